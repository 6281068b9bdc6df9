namespace EdgeLLM.SideBySide;

/// <summary>llama.cpp (through LLamaSharp) as an <see cref="ISpeedEngine"/>.</summary>
internal sealed class LlamaSpeedEngine(string ggufPath, int threads, int contextLength) : ISpeedEngine
{
    private readonly LlamaModel model = new(ggufPath, threads, contextLength);

    public int Prompt(int[] ids) => Logits.ArgMax(model.Prefill(ids, allPositions: false)[0]);

    public int Step(int token) => Logits.ArgMax(model.Decode(token));

    public void Dispose() => model.Dispose();
}
