using EdgeLLM.Runtime.Evaluation;

namespace EdgeLLM.SideBySide;

/// <summary>Argmax and the KL divergence between two logit vectors over the full vocabulary (softmax in double).</summary>
internal static class Logits
{
    public static int ArgMax(ReadOnlySpan<float> logits) => LogProbabilities.ArgMax(logits);

    /// <summary>KL(P‖Q) in nats, P = softmax(<paramref name="reference"/>), Q = softmax(<paramref name="quantized"/>).</summary>
    public static double KlDivergence(ReadOnlySpan<float> reference, ReadOnlySpan<float> quantized)
    {
        if (reference.Length != quantized.Length)
        {
            throw new InvalidDataException($"vocabulary sizes differ: {reference.Length} vs {quantized.Length}");
        }

        double referenceLogSum = LogProbabilities.LogSumExp(reference);
        double quantizedLogSum = LogProbabilities.LogSumExp(quantized);
        double divergence = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            double logP = reference[i] - referenceLogSum;
            double logQ = quantized[i] - quantizedLogSum;
            divergence += Math.Exp(logP) * (logP - logQ);
        }

        return Math.Max(0, divergence);
    }
}
