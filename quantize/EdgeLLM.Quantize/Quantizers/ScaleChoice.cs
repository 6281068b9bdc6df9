namespace EdgeLLM.Quantize.Quantizers;

/// <summary>How a block's scale (and zero point) is chosen.</summary>
public enum ScaleChoice
{
    /// <summary>
    /// Round to nearest exactly as ONNX Runtime's MLAS quantizer does (<c>MlasQuantizeBlockwise</c>):
    /// symmetric blocks scale by the value of largest magnitude (sign kept) over -2^(bits-1),
    /// asymmetric blocks span [min(min, 0), max(max, 0)].
    /// </summary>
    RoundToNearest,

    /// <summary>
    /// Per block, try several clipping ratios (and, with zero points, asymmetric ranges), refit the
    /// scale by least squares for the codes each one gives, and keep the lowest squared error.
    /// Never worse than <see cref="RoundToNearest"/> on any block.
    /// </summary>
    Search,
}
