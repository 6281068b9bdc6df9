namespace EdgeLLM.SideBySide;

/// <summary>Argmax and the KL divergence between two logit vectors over the full vocabulary (softmax in double).</summary>
internal static class Logits
{
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

    /// <summary>KL(P‖Q) in nats, P = softmax(<paramref name="reference"/>), Q = softmax(<paramref name="quantized"/>).</summary>
    public static double KlDivergence(ReadOnlySpan<float> reference, ReadOnlySpan<float> quantized)
    {
        if (reference.Length != quantized.Length)
        {
            throw new InvalidDataException($"vocabulary sizes differ: {reference.Length} vs {quantized.Length}");
        }

        double referenceLogSum = LogSumExp(reference);
        double quantizedLogSum = LogSumExp(quantized);
        double divergence = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            double logP = reference[i] - referenceLogSum;
            double logQ = quantized[i] - quantizedLogSum;
            divergence += Math.Exp(logP) * (logP - logQ);
        }

        return Math.Max(0, divergence);
    }

    private static double LogSumExp(ReadOnlySpan<float> logits)
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
}
