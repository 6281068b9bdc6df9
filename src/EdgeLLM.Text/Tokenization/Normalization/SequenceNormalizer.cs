using Microsoft.ML.Tokenizers;

namespace EdgeLLM.Text.Tokenization.Normalization;

/// <summary>Hugging Face's <c>Sequence</c> normalizer: each step's output feeds the next.</summary>
internal sealed class SequenceNormalizer(IReadOnlyList<Normalizer> steps) : Normalizer
{
    public override string Normalize(string original)
    {
        string text = original;
        foreach (Normalizer step in steps)
        {
            text = step.Normalize(text);
        }

        return text;
    }

    public override string Normalize(ReadOnlySpan<char> original) => Normalize(original.ToString());
}
