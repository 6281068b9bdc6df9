namespace EdgeLLM.Runtime.Engines.Cpu.Kernels;

/// <summary>The element type of the KV cache rows.</summary>
public enum KvElement
{
    Float32,

    /// <summary><see cref="System.Half"/>.</summary>
    Float16,
}
