using EdgeLLM.Format.ModelFolder;
using EdgeLLM.Format;
using EdgeLLM.Quantize.Checkpoints;
using EdgeLLM.Runtime.Sampling;
using EdgeLLM.Tests.Shared;

namespace EdgeLLM.Runtime.Tests.Sampling;

public sealed class SamplingSettingsTests
{
    [Fact]
    public void R1GenerationConfigSamplesAtTemperatureZeroPointSixAndTopPZeroPointNineFive()
    {
        GenerationDefaults defaults = ModelConfig.Load(TestPaths.Fixture("models", "tiny-r1-qwen2")).Generation;

        SamplingSettings settings = SamplingSettings.FromGenerationDefaults(defaults, seed: 3);

        Assert.False(settings.IsGreedy);
        Assert.Equal(0.6, settings.Temperature);
        Assert.Equal(0.95, settings.TopP);
        Assert.Equal(50, settings.TopK); // absent from the file: Hugging Face's GenerationConfig default applies
        Assert.Equal(0.0, settings.MinP);
        Assert.Equal(1.0, settings.RepetitionPenalty);
        Assert.Equal(3UL, settings.Seed);
    }

    [Fact]
    public void DoSampleNotTrueMeansGreedyButKeepsTheRepetitionPenalty()
    {
        var explicitFalse = new GenerationDefaults { DoSample = false, Temperature = 0.6, TopP = 0.95, RepetitionPenalty = 1.2 };
        var absent = new GenerationDefaults { Temperature = 0.6 };

        SamplingSettings fromFalse = SamplingSettings.FromGenerationDefaults(explicitFalse);

        Assert.True(fromFalse.IsGreedy);
        Assert.Equal(1.2, fromFalse.RepetitionPenalty);
        Assert.True(SamplingSettings.FromGenerationDefaults(absent).IsGreedy);
        Assert.True(SamplingSettings.FromGenerationDefaults(GenerationDefaults.None).IsGreedy);
    }

    [Fact]
    public void EveryFieldIsCarriedWhenSampling()
    {
        var defaults = new GenerationDefaults { DoSample = true, Temperature = 0.7, TopK = 20, TopP = 0.8, MinP = 0.05, RepetitionPenalty = 1.05 };

        SamplingSettings settings = SamplingSettings.FromGenerationDefaults(defaults);

        Assert.Equal(new SamplingSettings { Temperature = 0.7, TopK = 20, TopP = 0.8, MinP = 0.05, RepetitionPenalty = 1.05 }, settings);
        Assert.Equal(
            new SamplingSettings { Temperature = 1.0, TopK = 50, TopP = 1.0 },
            SamplingSettings.FromGenerationDefaults(new GenerationDefaults { DoSample = true }));
    }

    [Theory]
    [InlineData("temperature", -0.1)]
    [InlineData("temperature", double.NaN)]
    [InlineData("temperature", double.PositiveInfinity)]
    [InlineData("top_k", -1)]
    [InlineData("top_p", 0)]
    [InlineData("top_p", -0.5)]
    [InlineData("top_p", 1.01)]
    [InlineData("top_p", double.NaN)]
    [InlineData("min_p", -0.01)]
    [InlineData("min_p", 1.5)]
    [InlineData("repetition_penalty", 0)]
    [InlineData("repetition_penalty", -1)]
    [InlineData("repetition_penalty", double.PositiveInfinity)]
    public void RejectsValuesOutsideTheirRangeWithOneLine(string name, double value)
    {
        var error = Assert.Throws<EdgeLlmException>(() => Create(name, value));

        Assert.StartsWith($"Sampling settings: {name} must be", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void RejectsABadValueComingFromAGenerationConfig()
    {
        var error = Assert.Throws<EdgeLlmException>(
            () => SamplingSettings.FromGenerationDefaults(new GenerationDefaults { DoSample = true, TopP = 1.5 }));

        Assert.Equal("Sampling settings: top_p must be in (0, 1] (1 = off), got 1.5.", error.Message);
    }

    [Fact]
    public void BoundaryValuesAreAccepted()
    {
        var settings = new SamplingSettings { Temperature = 0, TopK = 0, TopP = 1, MinP = 1, RepetitionPenalty = 1e-3 };

        Assert.True(settings.IsGreedy);
        Assert.Equal(1e-9, (settings with { TopP = 1e-9 }).TopP);
        Assert.Equal(0.0, (settings with { MinP = 0 }).MinP);
    }

    private static SamplingSettings Create(string name, double value) => name switch
    {
        "temperature" => new SamplingSettings { Temperature = value },
        "top_k" => new SamplingSettings { TopK = (int)value },
        "top_p" => new SamplingSettings { TopP = value },
        "min_p" => new SamplingSettings { MinP = value },
        "repetition_penalty" => new SamplingSettings { RepetitionPenalty = value },
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown setting"),
    };
}
