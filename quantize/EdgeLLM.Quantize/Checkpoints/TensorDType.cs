namespace EdgeLLM.Quantize.Checkpoints;

/// <summary>Element types of checkpoint tensors that EdgeLLM reads and writes (safetensors spelling).</summary>
public enum TensorDType
{
    F32,
    F16,
    BF16,
}

/// <summary>Sizes and names of <see cref="TensorDType"/>.</summary>
public static class TensorDTypes
{
    public static int ByteSize(this TensorDType dtype) => dtype switch
    {
        TensorDType.F32 => 4,
        TensorDType.F16 => 2,
        TensorDType.BF16 => 2,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
    };

    /// <summary>The safetensors header spelling: "F32", "F16", "BF16".</summary>
    public static string SafetensorsName(this TensorDType dtype) => dtype switch
    {
        TensorDType.F32 => "F32",
        TensorDType.F16 => "F16",
        TensorDType.BF16 => "BF16",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
    };

    public static bool TryParseSafetensorsName(string name, out TensorDType dtype)
    {
        switch (name)
        {
            case "F32": dtype = TensorDType.F32; return true;
            case "F16": dtype = TensorDType.F16; return true;
            case "BF16": dtype = TensorDType.BF16; return true;
            default: dtype = default; return false;
        }
    }
}
