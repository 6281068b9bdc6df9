namespace EdgeLLM.Devices.Hardware;

/// <summary>
/// The lower-case names EdgeLLM uses for <see cref="SimdFeatures"/> in profiles and JSON output,
/// and the Linux /proc/cpuinfo flag names that imply each feature.
/// </summary>
public static class SimdFeatureNames
{
    private static readonly (SimdFeatures Feature, string Name)[] Names =
    [
        (SimdFeatures.Avx, "avx"),
        (SimdFeatures.Avx2, "avx2"),
        (SimdFeatures.Fma, "fma"),
        (SimdFeatures.AvxVnni, "avx_vnni"),
        (SimdFeatures.Avx512F, "avx512f"),
        (SimdFeatures.Avx512BW, "avx512bw"),
        (SimdFeatures.Avx512VL, "avx512vl"),
        (SimdFeatures.Avx512Vnni, "avx512_vnni"),
        (SimdFeatures.Neon, "neon"),
        (SimdFeatures.DotProd, "dotprod"),
        (SimdFeatures.I8mm, "i8mm"),
        (SimdFeatures.Sve, "sve"),
    ];

    // Kernel flag spellings: x64 "flags" use the same names as ours; ARM "Features" say asimd (64-bit)
    // or neon (32-bit) for NEON and asimddp for dotprod.
    private static readonly (string KernelFlag, SimdFeatures Feature)[] KernelFlags =
    [
        ("avx", SimdFeatures.Avx),
        ("avx2", SimdFeatures.Avx2),
        ("fma", SimdFeatures.Fma),
        ("avx_vnni", SimdFeatures.AvxVnni),
        ("avx512f", SimdFeatures.Avx512F),
        ("avx512bw", SimdFeatures.Avx512BW),
        ("avx512vl", SimdFeatures.Avx512VL),
        ("avx512_vnni", SimdFeatures.Avx512Vnni),
        ("asimd", SimdFeatures.Neon),
        ("neon", SimdFeatures.Neon),
        ("asimddp", SimdFeatures.DotProd),
        ("i8mm", SimdFeatures.I8mm),
        ("sve", SimdFeatures.Sve),
    ];

    /// <summary>Every feature name, in a stable order.</summary>
    public static IEnumerable<string> All => Names.Select(entry => entry.Name);

    /// <summary>The names of the features set in <paramref name="features"/>, in a stable order.</summary>
    public static IReadOnlyList<string> ToNames(SimdFeatures features)
        => [.. Names.Where(entry => features.HasFlag(entry.Feature)).Select(entry => entry.Name)];

    /// <summary>Parses one feature name; false for an unknown name.</summary>
    public static bool TryParse(string name, out SimdFeatures feature)
    {
        foreach ((SimdFeatures candidate, string candidateName) in Names)
        {
            if (string.Equals(candidateName, name, StringComparison.OrdinalIgnoreCase))
            {
                feature = candidate;
                return true;
            }
        }

        feature = SimdFeatures.None;
        return false;
    }

    /// <summary>The features implied by a whitespace-separated cpuinfo "flags" or "Features" value.</summary>
    public static SimdFeatures FromKernelFlags(string flagsLine)
    {
        var flags = new HashSet<string>(flagsLine.Split(' ', '\t'), StringComparer.Ordinal);
        SimdFeatures features = SimdFeatures.None;
        foreach ((string kernelFlag, SimdFeatures feature) in KernelFlags)
        {
            if (flags.Contains(kernelFlag))
            {
                features |= feature;
            }
        }

        return features;
    }
}
