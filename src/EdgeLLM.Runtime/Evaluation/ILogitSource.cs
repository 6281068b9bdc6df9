namespace EdgeLLM.Runtime.Evaluation;

/// <summary>Receives one position's logits (valid only during the call).</summary>
public delegate void LogitRowHandler(int position, ReadOnlySpan<float> logits);

/// <summary>
/// What evaluation needs from an engine: the logits of every position from <c>firstRow</c> on, for one
/// chunk of tokens run from an empty cache. <see cref="EngineLogitSource"/> runs it through either decoder engine
/// (ONNX Runtime or the CPU engine); an engine that returns all positions of one pass could plug in here.
/// </summary>
public interface ILogitSource : IDisposable
{
    /// <summary>Logits per position.</summary>
    int VocabSize { get; }

    /// <summary>The most tokens one chunk may hold.</summary>
    int ContextLength { get; }

    /// <summary>Runs <paramref name="chunk"/> from position 0 and hands over the logits of positions <paramref name="firstRow"/> .. chunk.Length − 2, in order.</summary>
    void Run(ReadOnlySpan<int> chunk, int firstRow, LogitRowHandler onRow);
}
