using EdgeLLM.Quantize.Checkpoints;
using EdgeLLM.Quantize.Quantizers;
using EdgeLLM.Quantize.Synthetic;
using EdgeLLM.Tests.Shared;
using Xunit.Abstractions;

namespace EdgeLLM.Quantize.Tests.Quantizers;

/// <summary>
/// The scale search must lower the error of MLAS round-to-nearest on every Linear weight of the tiny
/// fixture models (weight recipe) and of stories260k (trained weights), at blocks 32 and 128. Prints the
/// RMS table (relative to the weights' RMS) that the quantize docs quote.
/// </summary>
public sealed class ScaleSearchTests(ITestOutputHelper output)
{
    private static readonly BlockQuantizationOptions[] Settings =
    [
        new(4, 32, false, ScaleChoice.RoundToNearest),
        new(4, 32, false, ScaleChoice.Search),
        new(4, 128, false, ScaleChoice.RoundToNearest),
        new(4, 128, false, ScaleChoice.Search),
    ];

    public static TheoryData<string> TinyModels => new() { "tiny-r1-qwen2", "tiny-llama31", "tiny-qwen3" };

    [Theory]
    [MemberData(nameof(TinyModels))]
    public void SearchLowersErrorOnTinyModelWeights(string model)
    {
        var config = ModelConfig.Load(TestPaths.Fixture("models", model));
        using var checkpoint = new SyntheticCheckpoint(config, TensorDType.BF16);
        var totals = Settings.Select(_ => new QuantizationError()).ToArray();
        foreach (string name in QuantizedWeightNames(checkpoint))
        {
            TensorView tensor = checkpoint.GetTensor(name);
            var errors = Settings.Select(options => BlockQuantizer.Quantize(WeightRows.Of(tensor), options, Stream.Null.Write).Error).ToArray();
            AssertSearchWins(name, errors);
            for (int i = 0; i < errors.Length; i++)
            {
                totals[i].Add(errors[i]);
            }

            checkpoint.Release(name);
        }

        Report(model, totals);
        AssertSearchWins(model, totals);
    }

    [Fact]
    public void SearchLowersErrorOnStories260k()
    {
        if (TestPaths.Stories260k is not { } folder)
        {
            output.WriteLine(TestPaths.Stories260kSkipped);
            return;
        }

        using var checkpoint = CheckpointFolder.Open(folder);
        BlockQuantizationOptions[] settings = [.. Settings, new(8, 32, false, ScaleChoice.RoundToNearest), new(8, 32, false, ScaleChoice.Search)];
        var totals = settings.Select(_ => new QuantizationError()).ToArray();
        foreach (string name in checkpoint.TensorNames.Where(name => checkpoint.GetTensor(name).Shape.Count == 2))
        {
            for (int i = 0; i < settings.Length; i++)
            {
                totals[i].Add(BlockQuantizer.Quantize(WeightRows.Of(checkpoint.GetTensor(name)), settings[i], Stream.Null.Write).Error);
            }
        }

        Report("stories260k", totals, settings);
        AssertSearchWins("stories260k", totals);
        Assert.True(totals[5].RootMeanSquareError < totals[4].RootMeanSquareError, "int8 search must beat int8 round-to-nearest");
    }

    [Fact]
    public void SearchNeverLosesToRoundToNearestOnAnyBlock()
    {
        const int columnCount = 64;
        float[] weights = TestWeights.Normal(200 * columnCount, seed: 5, outlierRate: 0.05);
        foreach ((int bits, bool asymmetric) in new[] { (4, false), (4, true), (8, false), (8, true) })
        {
            for (int row = 0; row < 200; row++)
            {
                ReadOnlySpan<float> block = weights.AsSpan(row * columnCount, columnCount);
                double roundToNearest = BlockError(block, new BlockQuantizationOptions(bits, columnCount, asymmetric, ScaleChoice.RoundToNearest));
                double searched = BlockError(block, new BlockQuantizationOptions(bits, columnCount, asymmetric, ScaleChoice.Search));
                Assert.True(searched <= roundToNearest * (1 + 1e-6), $"int{bits} asymmetric={asymmetric} row {row}: search {searched} > round-to-nearest {roundToNearest}");
            }
        }
    }

    /// <summary>The Linear weights a quantized graph carries: every projection and lm_head (the embedding when tied).</summary>
    private static IEnumerable<string> QuantizedWeightNames(ICheckpoint checkpoint)
        => checkpoint.TensorNames.Where(name => WeightRecipe.KindOf(name) == WeightKind.Linear
            || (name == HuggingFaceLayout.Embedding && checkpoint.Config.TieWordEmbeddings));

    private static double BlockError(ReadOnlySpan<float> block, BlockQuantizationOptions options)
    {
        var quantizer = BlockQuantizer.Create(options, block.Length);
        var error = new QuantizationError();
        quantizer.QuantizeRows(block, new byte[quantizer.Layout.PackedRowBytes], new float[1], options.Asymmetric ? new byte[quantizer.Layout.ZeroPointRowBytes] : [], error);
        return error.RootMeanSquareError;
    }

    private static void AssertSearchWins(string what, QuantizationError[] errors)
    {
        for (int i = 0; i + 1 < 4; i += 2)
        {
            Assert.True(
                errors[i + 1].RootMeanSquareError < errors[i].RootMeanSquareError,
                $"{what}, {Settings[i + 1]}: rms {errors[i + 1].RootMeanSquareError} not below round-to-nearest {errors[i].RootMeanSquareError}");
        }
    }

    private void Report(string what, QuantizationError[] totals, BlockQuantizationOptions[]? settings = null)
    {
        settings ??= Settings;
        for (int i = 0; i < totals.Length; i++)
        {
            output.WriteLine(FormattableString.Invariant(
                $"{what,-14} {settings[i],-40} rms {totals[i].RootMeanSquareError:E3} ({totals[i].RelativeRootMeanSquareError:P2} of weight rms), max abs {totals[i].MaxAbsoluteError:E3}"));
        }

        output.WriteLine(FormattableString.Invariant(
            $"{what}: block-128 search rms / block-32 round-to-nearest rms = {totals[3].RootMeanSquareError / totals[0].RootMeanSquareError:F3}"));
    }
}
