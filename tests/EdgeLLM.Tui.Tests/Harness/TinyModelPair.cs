using EdgeLLM.Tests.Shared;

namespace EdgeLLM.Tui.Tests.Harness;

/// <summary>
/// Two tiny int4 models for a test class (<see cref="TinyModel"/>, converted once; the second is a copy under
/// another folder name, so it opens as another model). 4096 tokens of context: room for a long reply to be stopped.
/// </summary>
public sealed class TinyModelPair : IDisposable
{
    private readonly TempFolder temp = TestPaths.CreateTemp(nameof(TinyModelPair));

    public TinyModelPair()
    {
        ModelsFolder = Path.Combine(temp.Path, "models");
        First = TinyModel.Create(Path.Combine(ModelsFolder, "tiny-a"), maxContext: 4096);
        Second = Path.Combine(ModelsFolder, "tiny-b");
        Directory.CreateDirectory(Second);
        foreach (string file in Directory.GetFiles(First))
        {
            File.Copy(file, Path.Combine(Second, Path.GetFileName(file)));
        }
    }

    public string ModelsFolder { get; }

    public string First { get; }

    public string Second { get; }

    public void Dispose() => temp.Dispose();
}
