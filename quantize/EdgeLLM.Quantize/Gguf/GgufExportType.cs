using EdgeLLM.Format;

namespace EdgeLLM.Quantize.Gguf;

/// <summary>What <c>edgellm gguf export --type</c> writes for the 2-D weights (norms, biases and RoPE factors stay F32).</summary>
public enum GgufExportType
{
    /// <summary>Every matrix F16 (llama.cpp's <c>convert_hf_to_gguf.py --outtype f16</c>).</summary>
    F16,

    /// <summary>Every matrix Q8_0 (<c>--outtype q8_0</c>; llama-quantize Q8_0 gives the same types).</summary>
    Q8_0,

    /// <summary>Matrices Q4_0; the output projection (or the tied embedding) Q8_0, as
    /// <c>llama-quantize --output-tensor-type q8_0 ... Q4_0</c>.</summary>
    Q4_0,
}

/// <summary>Names, file types and per-tensor types of <see cref="GgufExportType"/>.</summary>
public static class GgufExportTypes
{
    public static IReadOnlyList<string> Names { get; } = ["f16", "q8_0", "q4_0"];

    public static GgufExportType Parse(string name) => name.ToLowerInvariant() switch
    {
        "f16" => GgufExportType.F16,
        "q8_0" => GgufExportType.Q8_0,
        "q4_0" => GgufExportType.Q4_0,
        _ => throw new EdgeLlmException($"GGUF type must be one of {string.Join(", ", Names)}, got '{name}'"),
    };

    public static string Name(this GgufExportType type) => Names[(int)type];

    /// <summary>llama.cpp's <c>general.file_type</c> (<c>llama_ftype</c>): MOSTLY_F16 1, MOSTLY_Q4_0 2, MOSTLY_Q8_0 7.</summary>
    public static uint FileType(this GgufExportType type) => type switch
    {
        GgufExportType.F16 => 1,
        GgufExportType.Q4_0 => 2,
        GgufExportType.Q8_0 => 7,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>The ggml type of a matrix; <paramref name="isOutputProjection"/> for output.weight or a tied token_embd.weight.</summary>
    public static GgmlType MatrixType(this GgufExportType type, bool isOutputProjection) => type switch
    {
        GgufExportType.F16 => GgmlType.F16,
        GgufExportType.Q8_0 => GgmlType.Q8_0,
        GgufExportType.Q4_0 => isOutputProjection ? GgmlType.Q8_0 : GgmlType.Q4_0,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };
}
