using Microsoft.ML.Tokenizers;

namespace EdgeLLM.Text.Tokenization.Normalization;

/// <summary>Hugging Face's <c>Replace</c> normalizer with a literal pattern (SentencePiece's " " → "▁").</summary>
internal sealed class ReplaceNormalizer(string pattern, string content) : Normalizer
{
    public override string Normalize(string original) => original.Replace(pattern, content, StringComparison.Ordinal);

    public override string Normalize(ReadOnlySpan<char> original) => Normalize(original.ToString());
}
