using EdgeLLM.Quantize.Synthetic;
using EdgeLLM.Tests.Shared;

namespace EdgeLLM.Quantize.Tests.Synthetic;

/// <summary>The tiny shapes synthesized once (default dtype and sharding) for a test class.</summary>
public sealed class SynthesizedTinyModels : IDisposable
{
    public static readonly string[] Names = ["tiny-r1-qwen2", "tiny-llama31", "tiny-qwen3", "tiny-qwen3-yarn"];

    private readonly TempFolder temp = TestPaths.CreateTemp("synthesized-tiny");

    public SynthesizedTinyModels()
    {
        foreach (string name in Names)
        {
            CheckpointSynthesizer.Synthesize(new SynthesisRequest
            {
                Shape = SyntheticShapes.Find(name),
                TokenizerFolder = TestTokenizers.ForShape(name),
                OutputFolder = Folder(name),
            });
        }
    }

    public string Folder(string name) => Path.Combine(temp.Path, name);

    public void Dispose() => temp.Dispose();
}
