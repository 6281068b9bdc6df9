namespace EdgeLLM.Text.Tokenization.PreTokenization;

/// <summary>
/// The Split pre-tokenizer regexes (tokenizer.json's <c>pre_tokenizer</c> → <c>Split</c> → <c>pattern.Regex</c>) EdgeLLM knows:
/// the tokenizer scans them with <see cref="Cl100kSplitPreTokenizer"/>, and the GGUF writer names and writes them.
/// </summary>
public static class SplitPatterns
{
    /// <summary>Llama 3's pattern (OpenAI's cl100k): <c>\p{N}{1,3}</c>.</summary>
    public const string Llama3 = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>Qwen2/Qwen3's pattern: <c>\p{N}</c> (one digit per piece).</summary>
    public const string Qwen = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";
}
