namespace EdgeLLM.Quantize.Tests.Architectures;

/// <summary>Compares a logits row with a reference position and tracks the largest error seen.</summary>
internal sealed class LogitChecks(double tolerance)
{
    public double MaxError { get; private set; }

    public int Positions { get; private set; }

    /// <summary>Our logit at each reference top-16 id, and our logsumexp, within the tolerance.</summary>
    public void Check(float[] logits, ReferencePosition reference, string where)
    {
        for (int rank = 0; rank < reference.TopIds.Length; rank++)
        {
            double error = Math.Abs(logits[reference.TopIds[rank]] - reference.TopLogits[rank]);
            MaxError = Math.Max(MaxError, error);
            Assert.True(error <= tolerance,
                $"{where}: logit of id {reference.TopIds[rank]} (rank {rank}) is {logits[reference.TopIds[rank]]}, reference {reference.TopLogits[rank]} (|Δ| {error:g3} > {tolerance:g3})");
        }

        double logSumExp = LogSumExp(logits);
        double lseError = Math.Abs(logSumExp - reference.LogSumExp);
        MaxError = Math.Max(MaxError, lseError);
        Assert.True(lseError <= tolerance, $"{where}: logsumexp {logSumExp} vs reference {reference.LogSumExp} (|Δ| {lseError:g3} > {tolerance:g3})");
        Positions++;
    }

    public static int ArgMax(float[] logits)
    {
        int best = 0;
        for (int i = 1; i < logits.Length; i++)
        {
            if (logits[i] > logits[best])
            {
                best = i;
            }
        }

        return best;
    }

    public static double LogSumExp(float[] logits)
    {
        double max = logits.Max();
        double sum = 0;
        foreach (float logit in logits)
        {
            sum += Math.Exp(logit - max);
        }

        return max + Math.Log(sum);
    }
}
