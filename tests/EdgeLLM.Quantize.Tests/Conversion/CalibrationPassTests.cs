using EdgeLLM.Format.ModelFolder;
using EdgeLLM.Cli.Calibration;
using EdgeLLM.Quantize.Checkpoints;
using EdgeLLM.Quantize.Conversion;
using EdgeLLM.Quantize.Quantizers;
using EdgeLLM.Quantize.Synthetic;
using EdgeLLM.Quantize.Tests.Architectures;
using EdgeLLM.Quantize.Tests.Synthetic;
using EdgeLLM.Tests.Shared;
using Xunit.Abstractions;

namespace EdgeLLM.Quantize.Tests.Conversion;

/// <summary>
/// The calibration pass on the tiny fixtures: every decoder Linear weight gets one positive importance per input
/// feature, the built-in text tokenizes to enough tokens to fill more than two 512-token chunks, and the int8 copy
/// quantize runs it through gives the fp32 copy's importances within 5 % channel by channel (measured: worst channel 1.8–2.5 %), so the
/// cheaper copy changes nothing the 4-bit search can see.
/// </summary>
public sealed class CalibrationPassTests(ITestOutputHelper output)
{
    public static TheoryData<string> Models => new(TinyModels.All);

    [Theory]
    [MemberData(nameof(Models))]
    public void Int8CopyGivesTheFp32CopysImportanceForEveryLinearWeight(string model)
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string folder = Path.Combine(temp.Path, model);
        CheckpointSynthesizer.Synthesize(new SynthesisRequest { Shape = SyntheticShapes.Find(model), TokenizerFolder = TestTokenizers.ForShape(model), OutputFolder = folder });
        using CheckpointFolder checkpoint = CheckpointFolder.Open(folder);
        CalibrationText text = CalibrationText.BuiltIn();
        ChannelImportance fp32 = CalibrationPass.Run(checkpoint, folder, Path.Combine(temp.Path, "fp32"), text, 0, WeightPrecision.Fp32, CancellationToken.None);
        ChannelImportance int8 = CalibrationPass.Run(checkpoint, folder, Path.Combine(temp.Path, "int8"), text, 0, WeightPrecision.Int8, CancellationToken.None);

        ModelConfig config = checkpoint.Config;
        Assert.True(fp32.TokenCount > 2 * CalibrationPass.ChunkTokens, $"the built-in text is {fp32.TokenCount} tokens");
        Assert.Equal(fp32.TokenCount, int8.TokenCount);
        double worst = 0;
        for (int layer = 0; layer < config.LayerCount; layer++)
        {
            foreach ((string module, int width) in new[] { ("self_attn.qkv_proj", config.HiddenSize), ("self_attn.o_proj", config.HeadCount * config.HeadDim), ("mlp.gate_proj", config.HiddenSize), ("mlp.up_proj", config.HiddenSize), ("mlp.down_proj", config.IntermediateSize) })
            {
                string name = HuggingFaceLayout.Layer(layer, module);
                float[] reference = fp32.For(name) ?? throw new Xunit.Sdk.XunitException($"no importance for {name}");
                float[] cheap = int8.For(name)!;
                Assert.Equal(width, reference.Length);
                Assert.All(reference, value => Assert.True(value > 0f && float.IsFinite(value)));
                for (int channel = 0; channel < width; channel++)
                {
                    worst = Math.Max(worst, Math.Abs(cheap[channel] - reference[channel]) / reference[channel]);
                }
            }
        }

        // An untied lm_head's input (the final norm's output) has its row; a tied lm_head is the embedding table and has none.
        float[]? lmHead = fp32.For(HuggingFaceLayout.LmHead);
        if (config.TieWordEmbeddings)
        {
            Assert.Null(lmHead);
        }
        else
        {
            Assert.NotNull(lmHead);
            Assert.Equal(config.HiddenSize, lmHead.Length);
            float[] cheap = int8.For(HuggingFaceLayout.LmHead)!;
            for (int channel = 0; channel < lmHead.Length; channel++)
            {
                worst = Math.Max(worst, Math.Abs(cheap[channel] - lmHead[channel]) / lmHead[channel]);
            }
        }

        output.WriteLine($"{model}: {fp32.TokenCount} tokens, largest relative difference of an int8-copy importance from fp32's: {worst:P3}");
        Assert.True(worst < 0.05, $"{model}: an int8-copy importance differs from fp32's by {worst:P2}");
    }

    [Fact]
    public void ProgressNamesTheScratchCopyThenCountsTheTextToItsEnd()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string model = TinyModels.Qwen2;
        string folder = Path.Combine(temp.Path, model);
        CheckpointSynthesizer.Synthesize(new SynthesisRequest { Shape = SyntheticShapes.Find(model), TokenizerFolder = TestTokenizers.ForShape(model), OutputFolder = folder });
        using CheckpointFolder checkpoint = CheckpointFolder.Open(folder);
        CalibrationText text = CalibrationText.BuiltIn();
        var reports = new List<ConversionProgress>();
        var progress = new Reports(reports);
        ChannelImportance importance = CalibrationPass.Run(checkpoint, folder, Path.Combine(temp.Path, "int8"), text, 0, WeightPrecision.Int8, CancellationToken.None, GptqInputs.None, progress);

        Assert.Contains(reports, report => report.TensorName.StartsWith("calibration copy: ", StringComparison.Ordinal));
        ConversionProgress[] tokens = [.. reports.Where(report => report.TensorName.StartsWith("calibration text: ", StringComparison.Ordinal))];

        // One report per 512-token chunk, the text's bytes as the bar's total, the last one at the end of the text.
        Assert.Equal((int)((importance.TokenCount + CalibrationPass.ChunkTokens - 1) / CalibrationPass.ChunkTokens), tokens.Length);
        Assert.All(tokens, report => Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(text.Text), report.BytesTotal));
        Assert.Equal(tokens[^1].BytesTotal, tokens[^1].BytesDone);
        Assert.Equal(FormattableString.Invariant($"calibration text: {importance.TokenCount:N0} of {importance.TokenCount:N0} tokens"), tokens[^1].TensorName);
        Assert.True(tokens.Zip(tokens.Skip(1)).All(pair => pair.First.BytesDone < pair.Second.BytesDone), "the text's progress went backwards");
    }

    /// <summary>Collects reports on the reporting thread (Progress&lt;T&gt; would post them elsewhere).</summary>
    private sealed class Reports(List<ConversionProgress> reports) : IProgress<ConversionProgress>
    {
        public void Report(ConversionProgress value)
        {
            lock (reports)
            {
                reports.Add(value);
            }
        }
    }
}
