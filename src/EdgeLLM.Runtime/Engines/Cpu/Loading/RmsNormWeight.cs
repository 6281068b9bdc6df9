namespace EdgeLLM.Runtime.Engines.Cpu.Loading;

/// <summary>An RMS norm's fp32 weight (in the mapped file) and its epsilon, from a (Skip)SimplifiedLayerNormalization node.</summary>
internal readonly record struct RmsNormWeight(nint Weight, int Length, float Epsilon)
{
    public unsafe ReadOnlySpan<float> Span => new((void*)Weight, Length);
}
