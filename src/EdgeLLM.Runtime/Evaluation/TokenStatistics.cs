namespace EdgeLLM.Runtime.Evaluation;

/// <summary>
/// Running sums over scored positions, as llama-perplexity keeps them: negative log-likelihoods (and with a
/// reference, the reference's, their product, KL, Δp, Δp², Δp⁴, same argmax) plus every KL for its percentiles.
/// </summary>
internal sealed class TokenStatistics
{
    private readonly List<double> divergences = [];
    private double sumNll;
    private double sumNll2;
    private double sumReferenceNll;
    private double sumReferenceNll2;
    private double sumNllReferenceNll;
    private double sumKl;
    private double sumKl2;
    private double sumDeltaP;
    private double sumDeltaP2;
    private double sumDeltaP4;
    private double maxAbsDeltaP;
    private long sameTop;

    public long Count { get; private set; }

    /// <summary>One prediction of <paramref name="next"/> from <paramref name="logits"/>.</summary>
    public void Add(ReadOnlySpan<float> logits, int next)
    {
        double nll = LogProbabilities.LogSumExp(logits) - logits[next];
        sumNll += nll;
        sumNll2 += nll * nll;
        Count++;
    }

    /// <summary>One prediction of <paramref name="next"/> from <paramref name="logits"/>, against the reference's logits (and their logsumexp) at the same position.</summary>
    public void Add(ReadOnlySpan<float> logits, int next, ReadOnlySpan<float> referenceLogits, double referenceLogSumExp, int referenceArgMax)
    {
        double logSumExp = LogProbabilities.LogSumExp(logits);
        double nll = logSumExp - logits[next];
        double referenceNll = referenceLogSumExp - referenceLogits[next];
        sumNll += nll;
        sumNll2 += nll * nll;
        sumReferenceNll += referenceNll;
        sumReferenceNll2 += referenceNll * referenceNll;
        sumNllReferenceNll += nll * referenceNll;

        double divergence = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            double referenceLog = referenceLogits[i] - referenceLogSumExp;
            divergence += Math.Exp(referenceLog) * (referenceLog - (logits[i] - logSumExp));
        }

        sumKl += divergence;
        sumKl2 += divergence * divergence;
        divergences.Add(divergence);
        sameTop += LogProbabilities.ArgMax(logits) == referenceArgMax ? 1 : 0;

        double deltaP = Math.Exp(-nll) - Math.Exp(-referenceNll);
        double deltaP2 = deltaP * deltaP;
        sumDeltaP += deltaP;
        sumDeltaP2 += deltaP2;
        sumDeltaP4 += deltaP2 * deltaP2;
        maxAbsDeltaP = Math.Max(maxAbsDeltaP, Math.Abs(deltaP));
        Count++;
    }

    /// <summary>exp(mean NLL) ± exp(mean NLL) × its standard error (llama-perplexity's final estimate).</summary>
    public Estimate Perplexity()
    {
        if (Count == 0)
        {
            return new Estimate(double.NaN, double.NaN);
        }

        double mean = sumNll / Count;
        double variance = (sumNll2 / Count) - (mean * mean);
        double perplexity = Math.Exp(mean);
        return new Estimate(perplexity, variance > 0 && Count > 1 ? perplexity * Math.Sqrt(variance / (Count - 1)) : 0);
    }

    public ReferenceComparison Comparison()
    {
        Estimate logPerplexity = Estimate.Mean(sumNll, sumNll2, Count);
        Estimate referenceLogPerplexity = Estimate.Mean(sumReferenceNll, sumReferenceNll2, Count);
        double covariance = Count < 10 ? 0 : ((sumNllReferenceNll / Count) - ((sumNll / Count) * (sumReferenceNll / Count))) / (Count - 1);
        double ratioVariance = (logPerplexity.Error * logPerplexity.Error) + (referenceLogPerplexity.Error * referenceLogPerplexity.Error) - (2 * covariance);
        Estimate meanSquaredDeltaP = Estimate.Mean(sumDeltaP2, sumDeltaP4, Count);
        double rms = Math.Sqrt(meanSquaredDeltaP.Value);
        double agreement = Count == 0 ? double.NaN : (double)sameTop / Count;
        double[] sortedKl = [.. divergences.Order()];
        double referencePerplexity = Math.Exp(referenceLogPerplexity.Value);
        return new ReferenceComparison
        {
            ReferencePerplexity = new Estimate(referencePerplexity, referencePerplexity * referenceLogPerplexity.Error),
            LogPerplexityRatio = new Estimate(logPerplexity.Value - referenceLogPerplexity.Value, Math.Sqrt(Math.Max(ratioVariance, 0))),
            MeanKl = Estimate.Mean(sumKl, sumKl2, Count),
            MaxKl = sortedKl.Length == 0 ? double.NaN : sortedKl[^1],
            P99Kl = Percentile(sortedKl, 0.99),
            P999Kl = Percentile(sortedKl, 0.999),
            MedianKl = Median(sortedKl),
            TopOneAgreement = new Estimate(agreement, Count > 1 ? Math.Sqrt(agreement * (1 - agreement) / (Count - 1)) : 0),
            MeanDeltaP = Estimate.Mean(sumDeltaP, sumDeltaP2, Count),
            RmsDeltaP = new Estimate(rms, rms > 0 ? 0.5 / rms * meanSquaredDeltaP.Error : 0),
            MaxAbsDeltaP = maxAbsDeltaP,
        };
    }

    /// <summary>llama-perplexity's percentile: linear interpolation at fraction × (n − 1) of the sorted values.</summary>
    internal static double Percentile(IReadOnlyList<double> sorted, double fraction)
    {
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        double position = fraction * (sorted.Count - 1);
        int index = (int)position;
        double weight = position - index;
        return ((1 - weight) * sorted[index]) + (weight * sorted[Math.Min(index + 1, sorted.Count - 1)]);
    }

    private static double Median(IReadOnlyList<double> sorted) => sorted.Count == 0
        ? double.NaN
        : sorted.Count % 2 == 0 ? 0.5 * (sorted[sorted.Count / 2] + sorted[(sorted.Count / 2) - 1]) : sorted[sorted.Count / 2];
}
