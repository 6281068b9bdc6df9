namespace EdgeLLM.Quantize.Synthetic;

/// <summary>
/// The bit-exact synthetic weight recipe of the reference fixtures: every value is a pure function of
/// the tensor's Hugging Face name and the element's row-major index, exactly representable in
/// fp32, fp16 and bf16.
/// </summary>
public static class WeightRecipe
{
    private const ulong FnvOffsetBasis = 0xcbf29ce484222325UL;
    private const ulong FnvPrime = 0x100000001b3UL;

    /// <summary>FNV-1a-64 of the UTF-8 bytes of the tensor name.</summary>
    public static ulong Seed(string tensorName)
    {
        ulong hash = FnvOffsetBasis;
        foreach (byte b in System.Text.Encoding.UTF8.GetBytes(tensorName))
        {
            hash ^= b;
            hash *= FnvPrime;
        }

        return hash;
    }

    public static ulong SplitMix64(ulong x)
    {
        ulong z = x + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The kind of value distribution a tensor name selects.</summary>
    public static WeightKind KindOf(string tensorName)
    {
        if (tensorName.EndsWith("norm.weight", StringComparison.Ordinal))
        {
            return WeightKind.Norm;
        }

        if (tensorName.EndsWith(".bias", StringComparison.Ordinal))
        {
            return WeightKind.Bias;
        }

        return tensorName.Contains("embed_tokens", StringComparison.Ordinal) ? WeightKind.Embedding : WeightKind.Linear;
    }

    /// <summary>The value of element <paramref name="index"/> of a tensor with the given seed and kind.</summary>
    public static float Value(ulong seed, WeightKind kind, long index)
    {
        ulong h = SplitMix64(seed + (ulong)index);
        return kind switch
        {
            WeightKind.Norm => ((int)(h >> 57) + 128) / 256f,
            WeightKind.Bias => ((int)(h >> 56) - 128) * (1f / 256f),
            WeightKind.Embedding => ((int)(h >> 56) - 128) * (1f / 128f),
            _ => ((int)(h >> 56) - 128) * (1f / 1024f),
        };
    }

    /// <summary>Fills <paramref name="destination"/> with elements [firstIndex, firstIndex + destination.Length).</summary>
    public static void Fill(string tensorName, long firstIndex, Span<float> destination)
    {
        ulong seed = Seed(tensorName);
        WeightKind kind = KindOf(tensorName);
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = Value(seed, kind, firstIndex + i);
        }
    }
}

/// <summary>Value distributions of <see cref="WeightRecipe"/>.</summary>
public enum WeightKind
{
    Norm,
    Bias,
    Embedding,
    Linear,
}
