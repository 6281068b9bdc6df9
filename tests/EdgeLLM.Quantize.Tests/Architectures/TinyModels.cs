using EdgeLLM.Quantize.Checkpoints;
using EdgeLLM.Quantize.Synthetic;
using EdgeLLM.Tests.Shared;

namespace EdgeLLM.Quantize.Tests.Architectures;

/// <summary>The three tiny fixture checkpoints, rebuilt bit-exact from the weight recipe.</summary>
internal static class TinyModels
{
    public const string Qwen2 = "tiny-r1-qwen2";
    public const string Llama31 = "tiny-llama31";
    public const string Qwen3 = "tiny-qwen3";

    /// <summary>tiny-qwen3's weights with R1-0528-Qwen3-8B's YaRN RoPE scaling.</summary>
    public const string Qwen3Yarn = "tiny-qwen3-yarn";

    /// <summary>The three fixtures with distinct weights and architectures.</summary>
    public static IReadOnlyList<string> All { get; } = [Qwen2, Llama31, Qwen3];

    /// <summary><see cref="All"/> and tiny-qwen3-yarn: the parameter list of the exactness checks.</summary>
    public static IReadOnlyList<string> WithYarn { get; } = [Qwen2, Llama31, Qwen3, Qwen3Yarn];

    public static string Folder(string model) => TestPaths.Fixture("models", model);

    public static ModelConfig Config(string model) => ModelConfig.Load(Folder(model));

    /// <summary>The checkpoint in its stored dtype (config torch_dtype).</summary>
    public static SyntheticCheckpoint Open(string model)
    {
        ModelConfig config = Config(model);
        TensorDType dtype = config.TorchDtype switch
        {
            "float16" => TensorDType.F16,
            "float32" => TensorDType.F32,
            _ => TensorDType.BF16,
        };
        return new SyntheticCheckpoint(config, dtype);
    }
}
