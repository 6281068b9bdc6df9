using Microsoft.ML.Tokenizers;

namespace EdgeLLM.Text.Tokenization.Normalization;

/// <summary>Hugging Face's <c>Prepend</c> normalizer: puts a prefix (SentencePiece's "▁") before non-empty text.</summary>
internal sealed class PrependNormalizer(string prefix) : Normalizer
{
    public override string Normalize(string original) => original.Length == 0 ? original : prefix + original;

    public override string Normalize(ReadOnlySpan<char> original) => original.IsEmpty ? string.Empty : string.Concat(prefix, original);
}
