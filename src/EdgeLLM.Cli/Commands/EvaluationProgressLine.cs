namespace EdgeLLM.Cli.Commands;

/// <summary>
/// <c>eval</c>'s progress on stderr, only when stderr is a terminal: one line rewritten after each chunk
/// (a bar, chunks done / total, the perplexity so far), erased at the end.
/// </summary>
internal sealed class EvaluationProgressLine : IDisposable
{
    private const int Width = 30;
    private readonly bool shown = !Console.IsErrorRedirected;
    private bool drawn;

    public IProgress<EdgeLLM.Runtime.Evaluation.EvaluationProgress>? Sink => shown ? new Reporter(this) : null;

    public void Clear()
    {
        if (drawn)
        {
            Console.Error.Write("\r\u001b[2K");
            drawn = false;
        }
    }

    public void Dispose() => Clear();

    private void Draw(EdgeLLM.Runtime.Evaluation.EvaluationProgress progress)
    {
        int filled = progress.ChunkCount == 0 ? Width : progress.ChunksDone * Width / progress.ChunkCount;
        string bar = new string('#', filled) + new string('-', Width - filled);
        Console.Error.Write(FormattableString.Invariant($"\r[{bar}] {progress.ChunksDone}/{progress.ChunkCount} chunks, PPL {progress.Perplexity:F4}"));
        drawn = true;
    }

    /// <summary>Reports arrive on the evaluating thread (a plain IProgress, not Progress&lt;T&gt;'s synchronization context).</summary>
    private sealed class Reporter(EvaluationProgressLine line) : IProgress<EdgeLLM.Runtime.Evaluation.EvaluationProgress>
    {
        public void Report(EdgeLLM.Runtime.Evaluation.EvaluationProgress value) => line.Draw(value);
    }
}
