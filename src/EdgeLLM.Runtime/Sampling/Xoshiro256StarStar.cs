using System.Numerics;

namespace EdgeLLM.Runtime.Sampling;

/// <summary>
/// Blackman and Vigna's xoshiro256** generator, seeded through SplitMix64. Our own so that a seed
/// gives the same draws on every .NET version and platform (System.Random's seeded algorithm is
/// not guaranteed to stay the same).
/// </summary>
internal sealed class Xoshiro256StarStar
{
    private ulong state0;
    private ulong state1;
    private ulong state2;
    private ulong state3;

    /// <summary>Expands a 64-bit seed into the 256-bit state with SplitMix64, as the authors recommend.</summary>
    public Xoshiro256StarStar(ulong seed)
    {
        ulong splitMixState = seed;
        state0 = SplitMix64(ref splitMixState);
        state1 = SplitMix64(ref splitMixState);
        state2 = SplitMix64(ref splitMixState);
        state3 = SplitMix64(ref splitMixState);
    }

    /// <summary>Starts from a raw state (not all zero); used to check the published reference outputs.</summary>
    internal Xoshiro256StarStar(ulong state0, ulong state1, ulong state2, ulong state3)
    {
        if ((state0 | state1 | state2 | state3) == 0)
        {
            throw new ArgumentException("xoshiro256** state must not be all zero.");
        }

        this.state0 = state0;
        this.state1 = state1;
        this.state2 = state2;
        this.state3 = state3;
    }

    /// <summary>
    /// A seed from the operating system's entropy (System.Random's shared generator is seeded from it). Not
    /// RandomNumberGenerator: on Linux that loads OpenSSL, which a machine without libssl (a minimal Raspberry Pi
    /// image) lacks, and the published binary would abort before its first token.
    /// </summary>
    public static ulong SeedFromOperatingSystem()
    {
        Span<byte> bytes = stackalloc byte[sizeof(ulong)];
        Random.Shared.NextBytes(bytes);
        return BitConverter.ToUInt64(bytes);
    }

    /// <summary>One step of SplitMix64: advances <paramref name="state"/> and returns the mixed output.</summary>
    internal static ulong SplitMix64(ref ulong state)
    {
        state += 0x9E3779B97F4A7C15UL;
        ulong mixed = state;
        mixed = (mixed ^ (mixed >> 30)) * 0xBF58476D1CE4E5B9UL;
        mixed = (mixed ^ (mixed >> 27)) * 0x94D049BB133111EBUL;
        return mixed ^ (mixed >> 31);
    }

    public ulong NextUInt64()
    {
        ulong result = BitOperations.RotateLeft(state1 * 5, 7) * 9;
        ulong shifted = state1 << 17;
        state2 ^= state0;
        state3 ^= state1;
        state1 ^= state2;
        state0 ^= state3;
        state2 ^= shifted;
        state3 = BitOperations.RotateLeft(state3, 45);
        return result;
    }

    /// <summary>A uniform double in [0, 1) from the top 53 bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));
}
