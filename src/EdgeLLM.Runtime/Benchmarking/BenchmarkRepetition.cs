namespace EdgeLLM.Runtime.Benchmarking;

/// <summary>One measured repetition: a model load, the prompt in one pass, then timed greedy decode steps.</summary>
/// <param name="LoadMs">Model folder opened to session ready (manifest, tokenizer, ONNX Runtime session, KV cache).</param>
/// <param name="PromptTokensPerSecond">Prompt tokens over the one prompt pass.</param>
/// <param name="DecodeTokensPerSecond">Decode steps over their time (argmax included, nothing else).</param>
/// <param name="TimeToFirstTokenMs">Prompt pass plus the first argmax.</param>
/// <param name="PeakResidentBytes">Peak resident set of this repetition (reset before its load where the OS allows).</param>
public sealed record BenchmarkRepetition(
    double LoadMs,
    double PromptTokensPerSecond,
    double DecodeTokensPerSecond,
    double TimeToFirstTokenMs,
    long PeakResidentBytes)
{
    /// <summary>File-backed resident bytes (RssFile: mapped weights, libraries) at the end of the repetition, before the model is released; 0 where unknown.</summary>
    public long FileResidentBytes { get; init; }

    /// <summary>Anonymous resident bytes (RssAnon: heap, KV cache, buffers, any copied weights) at the end of the repetition; 0 where unknown.</summary>
    public long AnonymousResidentBytes { get; init; }
}
