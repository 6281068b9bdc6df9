using EdgeLLM.Quantize.Tests.Gguf;
using EdgeLLM.Runtime.Evaluation;

namespace EdgeLLM.Quantize.Tests.Evaluation;

/// <summary>llama.cpp's logits of a GGUF file as an <see cref="ILogitSource"/>: each chunk in one batch from a fresh context.</summary>
internal sealed class LlamaCppLogitSource(string ggufPath, int contextLength, int vocabSize) : ILogitSource
{
    public int VocabSize => vocabSize;

    public int ContextLength => contextLength;

    public void Run(ReadOnlySpan<int> chunk, int firstRow, LogitRowHandler onRow)
    {
        using LlamaCppModel model = LlamaCpp.Load(ggufPath, contextLength);
        float[][] rows = model.Decode(chunk.ToArray(), 0);
        for (int position = firstRow; position < chunk.Length - 1; position++)
        {
            onRow(position, rows[position]);
        }
    }

    public void Dispose()
    {
    }
}
