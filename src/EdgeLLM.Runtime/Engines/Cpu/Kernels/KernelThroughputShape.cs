namespace EdgeLLM.Runtime.Engines.Cpu.Kernels;

/// <summary>One linear layer shape for <see cref="KernelThroughput"/>: N outputs by K inputs.</summary>
public sealed record KernelThroughputShape(string Name, int OutputCount, int InputCount)
{
    /// <summary>DeepSeek-R1-Distill-Qwen-1.5B's layer shapes (hidden 1536, 2 KV heads of 128, MLP 8960).</summary>
    public static IReadOnlyList<KernelThroughputShape> Qwen15B { get; } =
    [
        new("qkv_proj", 1536 + (2 * 256), 1536),
        new("o_proj", 1536, 1536),
        new("gate/up_proj", 8960, 1536),
        new("down_proj", 1536, 8960),
    ];
}
