using EdgeLLM.Tests.Shared;
using EdgeLLM.Tui.Tests.Harness;

namespace EdgeLLM.Tui.Tests.Smoke;

/// <summary>The tiny int4 model the smoke tests chat with, converted once for the class (on first use, so a skipped test converts nothing).</summary>
public sealed class SmokeModel : IDisposable
{
    private readonly TempFolder folder = TestPaths.CreateTemp("tui-smoke-model");
    private readonly Lazy<string> model;

    public SmokeModel()
    {
        model = new Lazy<string>(() => TinyModel.Create(Path.Combine(folder.Path, "tiny-r1-qwen2"), maxContext: 4096));
    }

    /// <summary>The model folder (context 4096, so a long reply is still running when Esc is pressed).</summary>
    public string Folder => model.Value;

    public void Dispose() => folder.Dispose();
}
