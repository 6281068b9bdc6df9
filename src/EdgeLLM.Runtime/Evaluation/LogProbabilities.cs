namespace EdgeLLM.Runtime.Evaluation;

/// <summary>Logsumexp and argmax of one logits row, in double precision (eval, the engine tests and the side-by-side harness).</summary>
public static class LogProbabilities
{
    /// <summary>log Σ exp(logits), from the largest logit (no overflow).</summary>
    public static double LogSumExp(ReadOnlySpan<float> logits)
    {
        double max = double.NegativeInfinity;
        foreach (float value in logits)
        {
            max = Math.Max(max, value);
        }

        double sum = 0;
        foreach (float value in logits)
        {
            sum += Math.Exp(value - max);
        }

        return max + Math.Log(sum);
    }

    /// <summary>The first index of the largest logit (llama-perplexity's argmax).</summary>
    public static int ArgMax(ReadOnlySpan<float> logits)
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
}
