using EdgeLLM.Tests.Shared;

namespace EdgeLLM.Quantize.Tests.Synthetic;

/// <summary>The real tokenizer folder for a tiny shape: prepared by tests/prepare.sh, else ../shared/fixtures/tokenizers.</summary>
internal static class TestTokenizers
{
    public static string ForShape(string shapeName) => Folder(shapeName switch
    {
        "tiny-llama31" => "llama31",
        "tiny-qwen3" or "tiny-qwen3-yarn" => "qwen3",
        _ => "r1-distill-qwen",
    });

    public static string Folder(string name)
    {
        try
        {
            return TestPaths.Tokenizer(name);
        }
        catch (InvalidOperationException) when (TestPaths.SharedFixtures is { } shared && File.Exists(Path.Combine(shared, "tokenizers", name, "tokenizer.json")))
        {
            return Path.Combine(shared, "tokenizers", name);
        }
    }
}
