namespace EdgeLLM.Text.Tokenization;

/// <summary>One entry of tokenizer.json's <c>added_tokens</c>: matched in the raw text before the model sees it.</summary>
/// <param name="Id">The token id.</param>
/// <param name="Content">The exact text that stands for the token.</param>
/// <param name="IsSpecial">Special tokens are dropped by <c>Decode(skipSpecial: true)</c>.</param>
/// <param name="StripLeft">Whitespace before the token belongs to it (<c>lstrip</c>).</param>
/// <param name="StripRight">Whitespace after the token belongs to it (<c>rstrip</c>).</param>
public sealed record AddedToken(int Id, string Content, bool IsSpecial, bool StripLeft, bool StripRight);
