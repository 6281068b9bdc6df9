using System.Globalization;
using EdgeLLM.Runtime.Engines;
using EdgeLLM.Runtime.Model;

namespace EdgeLLM.SideBySide;

/// <summary>
/// KL divergence of a quantized model against its own full-precision version on one token sequence
/// (teacher-forced: every position's logits), mean over positions, and top-1 agreement.
/// </summary>
internal sealed record QualityComparison(string Label, int Positions, double MeanKl, double MaxKl, double TopOneAgreement)
{
    public static QualityComparison Compare(string label, float[][] reference, float[][] quantized)
    {
        if (reference.Length != quantized.Length)
        {
            throw new InvalidDataException($"{label}: {reference.Length} reference positions but {quantized.Length} quantized");
        }

        double[] divergences = [.. reference.Select((logits, position) => Logits.KlDivergence(logits, quantized[position]))];
        int agreeing = reference.Select((logits, position) => Logits.ArgMax(logits) == Logits.ArgMax(quantized[position]) ? 1 : 0).Sum();
        return new QualityComparison(label, reference.Length, divergences.Average(), divergences.Max(), agreeing / (double)reference.Length);
    }

    /// <summary>Every position's logits of an EdgeLLM folder, one decode step per token through its KV cache.</summary>
    public static float[][] EdgeLlmLogits(string modelFolder, int[] ids, int threads, EngineChoice engine)
    {
        using IDecoderEngine session = DecoderEngines.Open(modelFolder, ids.Length + 1, new SessionSettings { Threads = threads, Engine = engine });
        var logits = new float[ids.Length][];
        for (int position = 0; position < ids.Length; position++)
        {
            logits[position] = session.Decode(ids[position]).ToArray();
        }

        return logits;
    }

    /// <summary>Every position's logits of a GGUF file through llama.cpp, the sequence in one pass.</summary>
    public static float[][] LlamaLogits(string ggufPath, int[] ids, int threads)
    {
        using var model = new LlamaModel(ggufPath, threads, ids.Length + 1);
        return model.Prefill(ids, allPositions: true);
    }

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Label,-44} mean KL {MeanKl:E3}  max KL {MaxKl:E3}  top-1 {TopOneAgreement * 100:F1}%  ({Positions} positions)");
}
