namespace EdgeLLM.Text.Tokenization;

/// <summary>
/// The special tokens put around one encoded sequence when asked to (tokenizer.json's <c>TemplateProcessing</c>
/// <c>single</c> template, or tokenizer_config.json's <c>add_bos_token</c>/<c>add_eos_token</c>).
/// </summary>
internal sealed record PostProcessorTemplate(IReadOnlyList<AddedToken> Prefix, IReadOnlyList<AddedToken> Suffix)
{
    public static PostProcessorTemplate None { get; } = new([], []);
}
