using System.Text.Json;
using EdgeLLM.Runtime.Engines;
using EdgeLLM.Runtime.Tests.Generation;
using EdgeLLM.Tests.Shared;
using Xunit.Abstractions;

namespace EdgeLLM.Runtime.Tests.Engines;

/// <summary>
/// stories260k (a real trained Llama, head_dim 8: RoPE in separate RotaryEmbedding nodes) through both
/// engines: the first 4 positions' full logits within 2e-4 of llama2.c and its 80 greedy ids exactly.
/// Skips with a line where ../shared/fixtures/stories260k is absent.
/// </summary>
[Collection(ModelFoldersCollection.Name)]
public sealed class Stories260kEngineTests(ModelFolders models, ITestOutputHelper output)
{
    [Theory]
    [InlineData(TestEngines.Cpu)]
    [InlineData(TestEngines.Onnx)]
    public void EngineReproducesLlama2c(string engine)
    {
        if (TestPaths.Stories260k is not { } source || models.Stories260k() is not { } folder)
        {
            output.WriteLine(TestPaths.Stories260kSkipped);
            return;
        }

        using JsonDocument reference = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(source, "reference.json")));
        JsonElement root = reference.RootElement;
        int[] promptIds = [.. root.GetProperty("prompt_ids").EnumerateArray().Select(id => id.GetInt32())];
        int[] expectedIds = [.. root.GetProperty("generated_ids").EnumerateArray().Select(id => id.GetInt32())];
        JsonElement first = root.GetProperty("logits_first_4_positions");
        int[] firstIds = [.. first.GetProperty("input_ids").EnumerateArray().Select(id => id.GetInt32())];
        float[][] expectedLogits = [.. first.GetProperty("logits").EnumerateArray().Select(row => row.EnumerateArray().Select(value => value.GetSingle()).ToArray())];

        using IDecoderEngine decoder = TestEngines.Open(engine, folder);
        float[][] logits = TestEngines.TeacherForced(decoder, firstIds);
        var tolerance = new LogitTolerance(2e-4);
        for (int position = 0; position < expectedLogits.Length; position++)
        {
            tolerance.CheckAll(logits[position], expectedLogits[position], $"{engine} stories260k position {position}");
        }

        (_, int[] generated) = TestEngines.Greedy(decoder, promptIds, expectedIds.Length);
        Assert.Equal(expectedIds, generated);
        output.WriteLine($"{engine} stories260k: max |Δ logit| {tolerance.MaxError:g3} over the first 4 positions; {expectedIds.Length} greedy ids identical");
    }
}
