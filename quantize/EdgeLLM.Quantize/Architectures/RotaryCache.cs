using EdgeLLM.Format.ModelFolder;
using EdgeLLM.Quantize.Checkpoints;

namespace EdgeLLM.Quantize.Architectures;

/// <summary>
/// The RoPE cos/sin tables GroupQueryAttention and RotaryEmbedding read: <c>[positions, head_dim/2]</c>
/// fp32, Hugging Face rotate_half convention, with Llama 3 or YaRN frequency scaling when the config has it;
/// YaRN's attention factor multiplies cos and sin (as transformers' rotary embedding does), so the tables
/// carry it to every engine that reads them.
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
        double[] frequencies = config.Yarn is { } yarn
            ? YarnInverseFrequencies(config.HeadDim, config.RopeTheta, yarn)
            : InverseFrequencies(config.HeadDim, config.RopeTheta, config.RopeScaling);
        double scale = config.RopeAttentionScale;
        int halfDim = frequencies.Length;
        var cos = new float[positionCount * halfDim];
        var sin = new float[positionCount * halfDim];
        for (int position = 0; position < positionCount; position++)
        {
            for (int i = 0; i < halfDim; i++)
            {
                // Hugging Face forms the angle in fp32 (position * inv_freq, both fp32) before cos/sin.
                float angle = position * (float)frequencies[i];
                // transformers: cos = emb.cos() * attention_scaling, in fp32.
                cos[(position * halfDim) + i] = (float)Math.Cos(angle) * (float)scale;
                sin[(position * halfDim) + i] = (float)Math.Sin(angle) * (float)scale;
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

    /// <summary>
    /// YaRN's <c>inv_freq</c> as transformers' <c>_compute_yarn_parameters</c> forms it (fp32 like torch):
    /// extrapolated <c>1 / theta^(2i/dim)</c> and interpolated <c>1 / (factor · theta^(2i/dim))</c> blended
    /// by <c>1 − clamp((i − low) / (high − low), 0, 1)</c> over the correction range.
    /// </summary>
    public static double[] YarnInverseFrequencies(int headDim, double theta, YarnRopeScaling yarn)
    {
        (double low, double high) = yarn.CorrectionRange(headDim, theta);
        if (low == high)
        {
            high += 0.001; // transformers: prevent singularity
        }

        var frequencies = new double[headDim / 2];
        for (int i = 0; i < frequencies.Length; i++)
        {
            float positionFrequency = (float)Math.Pow(theta, (float)(2 * i) / headDim);
            float extrapolation = 1f / positionFrequency;
            float interpolation = 1f / ((float)yarn.Factor * positionFrequency);
            float ramp = Math.Clamp((float)((i - low) / (high - low)), 0f, 1f);
            float extrapolationFactor = 1f - ramp;
            frequencies[i] = (interpolation * (1f - extrapolationFactor)) + (extrapolation * extrapolationFactor);
        }

        return frequencies;
    }
}
