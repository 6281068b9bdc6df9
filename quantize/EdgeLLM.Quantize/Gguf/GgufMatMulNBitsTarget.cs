namespace EdgeLLM.Quantize.Gguf;

/// <summary>
/// The MatMulNBits layout ggml blocks of one or more types are carried into without dequantizing:
/// <list type="bullet">
/// <item>all Q4_0: int4 block 32, no zero-point input (ONNX Runtime's default 8) — exact;</item>
/// <item>all Q8_0: int8 block 32, no zero-point input (default 128, codes + 128) — exact;</item>
/// <item>only 32-element groups otherwise (Q4_1, Q5_0, Q5_1, Q4_K, Q5_K, with Q4_0/Q8_0): int8 block 32 with uint8 zero points;</item>
/// <item>any 16-element group type (Q2_K, Q3_K, Q6_K): int8 block 16 with uint8 zero points.</item>
/// </list>
/// Symmetric types are exact in every layout (scale = step, zero point = the code offset). Affine types
/// (value = step·q − offset) keep step·q exactly and carry the offset as a power-of-two multiple
/// of step/k in the zero point (k up to 255/max code): within step/(2k) of llama.cpp's value.
/// </summary>
public sealed record GgufMatMulNBitsTarget(int Bits, int BlockSize, bool ZeroPoints)
{
    /// <summary>The layout for a weight stacked from tensors of <paramref name="types"/>, or null when one is not a block type.</summary>
    public static GgufMatMulNBitsTarget? For(IReadOnlyCollection<GgmlType> types)
    {
        if (types.Count == 0 || !types.All(GgmlBlockCodes.Supports))
        {
            return null;
        }

        if (types.All(type => type == GgmlType.Q4_0))
        {
            return new GgufMatMulNBitsTarget(4, 32, ZeroPoints: false);
        }

        if (types.All(type => type == GgmlType.Q8_0))
        {
            return new GgufMatMulNBitsTarget(8, 32, ZeroPoints: false);
        }

        int block = types.Min(GgmlBlockCodes.GroupLength);
        return new GgufMatMulNBitsTarget(8, block, ZeroPoints: true);
    }

    public override string ToString() => $"int{Bits} block {BlockSize}{(ZeroPoints ? " with uint8 zero points" : string.Empty)}";
}
