using EdgeLLM.Quantize.Checkpoints;

namespace EdgeLLM.Quantize.Architectures;

/// <summary>
/// The RoPE cos/sin tables GroupQueryAttention and RotaryEmbedding read: <c>[positions, head_dim/2]</c>
/// fp32, Hugging Face rotate_half convention, with Llama 3 frequency scaling when the config has it.
/// </summary>
internal sealed class RotaryCache
{
    private RotaryCache(int positionCount, int halfDim, float[] cos, float[] sin)
    {
        PositionCount = positionCount;
        HalfDim = halfDim;
        Cos = cos;
        Sin = sin;
    }

    public int PositionCount { get; }

    /// <summary>rotary_dim / 2 (the models here rotate the whole head).</summary>
    public int HalfDim { get; }

    public float[] Cos { get; }

    public float[] Sin { get; }

    public static RotaryCache Create(ModelConfig config, int positionCount)
    {
        double[] frequencies = InverseFrequencies(config.HeadDim, config.RopeTheta, config.RopeScaling);
        int halfDim = frequencies.Length;
        var cos = new float[positionCount * halfDim];
        var sin = new float[positionCount * halfDim];
        for (int position = 0; position < positionCount; position++)
        {
            for (int i = 0; i < halfDim; i++)
            {
                // Hugging Face forms the angle in fp32 (position * inv_freq, both fp32) before cos/sin.
                float angle = position * (float)frequencies[i];
                cos[(position * halfDim) + i] = (float)Math.Cos(angle);
                sin[(position * halfDim) + i] = (float)Math.Sin(angle);
            }
        }

        return new RotaryCache(positionCount, halfDim, cos, sin);
    }

    /// <summary><c>inv_freq[i] = 1 / theta^(2i/dim)</c>, then Llama 3 scaling when given.</summary>
    public static double[] InverseFrequencies(int headDim, double theta, RopeScaling? scaling)
    {
        var frequencies = new double[headDim / 2];
        for (int i = 0; i < frequencies.Length; i++)
        {
            // Hugging Face computes inv_freq in fp32.
            frequencies[i] = (float)(1.0 / Math.Pow(theta, (2.0 * i) / headDim));
        }

        if (scaling is null)
        {
            return frequencies;
        }

        double oldContext = scaling.OriginalMaxPositionEmbeddings;
        double lowFrequencyWavelength = oldContext / scaling.LowFreqFactor;
        double highFrequencyWavelength = oldContext / scaling.HighFreqFactor;
        for (int i = 0; i < frequencies.Length; i++)
        {
            double frequency = frequencies[i];
            double wavelength = 2 * Math.PI / frequency;
            if (wavelength < highFrequencyWavelength)
            {
                continue;
            }

            if (wavelength > lowFrequencyWavelength)
            {
                frequencies[i] = (float)(frequency / scaling.Factor);
                continue;
            }

            double smooth = ((oldContext / wavelength) - scaling.LowFreqFactor) / (scaling.HighFreqFactor - scaling.LowFreqFactor);
            frequencies[i] = (float)(((1 - smooth) * frequency / scaling.Factor) + (smooth * frequency));
        }

        return frequencies;
    }
}
