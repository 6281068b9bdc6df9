using EdgeLLM.Runtime.Engines;

namespace EdgeLLM.Runtime.Evaluation;

/// <summary>
/// Logits from a decoder engine — ONNX Runtime or the CPU engine (the only file of Evaluation that uses one): the
/// context half of a chunk in one prefill run (its last row is the first scored one), then one decode
/// run per scored token. It needs no all-positions logits output, so folders converted with
/// <c>--logits last</c> (the default) and <c>--logits all</c> both work, with the same numbers.
/// </summary>
public sealed class EngineLogitSource(IDecoderEngine session) : ILogitSource
{
    public int VocabSize => session.VocabSize;

    public int ContextLength => session.ContextLength;

    public void Run(ReadOnlySpan<int> chunk, int firstRow, LogitRowHandler onRow)
    {
        ArgumentNullException.ThrowIfNull(onRow);
        ArgumentOutOfRangeException.ThrowIfNegative(firstRow);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(firstRow, chunk.Length - 2);
        session.Reset();
        ReadOnlySpan<float> logits = session.Prefill(chunk[..(firstRow + 1)]);
        onRow(firstRow, logits);
        for (int position = firstRow + 1; position < chunk.Length - 1; position++)
        {
            logits = session.Decode(chunk[position]);
            onRow(position, logits);
        }
    }

    /// <summary>The engine belongs to its model, which disposes it.</summary>
    public void Dispose()
    {
    }
}
