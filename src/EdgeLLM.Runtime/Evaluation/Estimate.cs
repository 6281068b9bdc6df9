namespace EdgeLLM.Runtime.Evaluation;

/// <summary>A measured value and its standard error (llama-perplexity's "x ± e").</summary>
public readonly record struct Estimate(double Value, double Error)
{
    /// <summary>
    /// Mean of <paramref name="count"/> samples from their sum and sum of squares, with the standard error
    /// of the mean, sqrt((E[x²] − E[x]²)/(n − 1)); 0 error for 10 samples or fewer (llama-perplexity's mean_and_uncertainty).
    /// </summary>
    public static Estimate Mean(double sum, double sumOfSquares, long count)
    {
        if (count < 1)
        {
            return default;
        }

        double mean = sum / count;
        double variance = (sumOfSquares / count) - (mean * mean);
        return new Estimate(mean, variance > 0 && count > 10 ? Math.Sqrt(variance / (count - 1)) : 0);
    }
}
