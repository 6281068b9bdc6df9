namespace EdgeLLM.Quantize.Onnx;

/// <summary>A graph input/output dimension: a fixed size or a symbolic name ("batch_size").</summary>
internal readonly record struct Dimension(long Value, string? Symbol)
{
    public static implicit operator Dimension(long value) => new(value, null);

    public static implicit operator Dimension(string symbol) => new(0, symbol);
}
