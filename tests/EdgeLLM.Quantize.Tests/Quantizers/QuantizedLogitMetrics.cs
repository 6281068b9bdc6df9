using EdgeLLM.Quantize.Tests.Architectures;

namespace EdgeLLM.Quantize.Tests.Quantizers;

/// <summary>
/// How far a quantized model's logits are from the fp32 reference over many positions: top-1 agreement
/// where the reference is confident (margin12 ≥ 0.02), mean KL(reference ‖ ours) over the reference's
/// top-16 ids (each side normalised by its own logsumexp) plus one bin for all other ids, and the largest
/// |Δ logit| at those ids. The 17-bin divergence is never negative (the top-16 sum alone can be) and is
/// a lower bound of the full-vocabulary KL.
/// </summary>
internal sealed class QuantizedLogitMetrics
{
    public const double ConfidentMargin = 0.02;

    private double divergenceSum;

    public int Positions { get; private set; }

    public int ConfidentPositions { get; private set; }

    public int ConfidentAgreements { get; private set; }

    public double MaxLogitError { get; private set; }

    public double TopOneAgreement => ConfidentPositions == 0 ? double.NaN : (double)ConfidentAgreements / ConfidentPositions;

    public double MeanDivergence => Positions == 0 ? double.NaN : divergenceSum / Positions;

    public void Add(float[] logits, ReferencePosition reference)
    {
        double logSumExp = LogitChecks.LogSumExp(logits);
        double divergence = 0;
        double referenceRest = 1;
        double ourRest = 1;
        for (int rank = 0; rank < reference.TopIds.Length; rank++)
        {
            double referenceLogProbability = reference.TopLogits[rank] - reference.LogSumExp;
            double ourLogProbability = logits[reference.TopIds[rank]] - logSumExp;
            divergence += Math.Exp(referenceLogProbability) * (referenceLogProbability - ourLogProbability);
            referenceRest -= Math.Exp(referenceLogProbability);
            ourRest -= Math.Exp(ourLogProbability);
            MaxLogitError = Math.Max(MaxLogitError, Math.Abs(logits[reference.TopIds[rank]] - reference.TopLogits[rank]));
        }

        if (referenceRest > 1e-12 && ourRest > 1e-12)
        {
            divergence += referenceRest * Math.Log(referenceRest / ourRest);
        }

        divergenceSum += divergence;
        Positions++;
        if (reference.Margin12 >= ConfidentMargin)
        {
            ConfidentPositions++;
            ConfidentAgreements += LogitChecks.ArgMax(logits) == reference.TopIds[0] ? 1 : 0;
        }
    }

    public override string ToString() => FormattableString.Invariant(
        $"top-1 {TopOneAgreement:P2} of {ConfidentPositions} confident positions, mean KL {MeanDivergence:E3} over {Positions}, max |Δ logit| {MaxLogitError:G4}");
}
