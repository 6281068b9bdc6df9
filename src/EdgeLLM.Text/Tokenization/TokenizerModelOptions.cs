namespace EdgeLLM.Text.Tokenization;

/// <summary>The parts of tokenizer.json's BPE <c>model</c> and pre-tokenizer that act around the merges.</summary>
/// <param name="ByteLevel">Pieces are spelled in <see cref="ByteLevelAlphabet"/> (a <c>ByteLevel</c> pre-tokenizer).</param>
/// <param name="IgnoreMerges">A piece found whole in the vocabulary is one token (<c>ignore_merges</c>, Llama 3).</param>
/// <param name="ByteFallback">Unknown characters become <c>&lt;0xNN&gt;</c> pieces (<c>byte_fallback</c>).</param>
/// <param name="UnknownToken">The model's <c>unk_token</c>, or null.</param>
internal sealed record TokenizerModelOptions(bool ByteLevel, bool IgnoreMerges, bool ByteFallback, string? UnknownToken);
