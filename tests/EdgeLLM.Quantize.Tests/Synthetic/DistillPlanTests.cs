using System.Globalization;
using System.Text;
using EdgeLLM.Devices.Planning;
using EdgeLLM.Devices.Profiles;
using EdgeLLM.Format.ModelFolder;
using EdgeLLM.Quantize.Checkpoints;
using EdgeLLM.Quantize.Conversion;
using EdgeLLM.Quantize.Quantizers;
using EdgeLLM.Quantize.Tests.Architectures;
using EdgeLLM.Tests.Shared;
using Xunit.Abstractions;

namespace EdgeLLM.Quantize.Tests.Synthetic;

/// <summary>
/// The seven DeepSeek-R1 distills' real config.json files (tests/Fixtures/configs) parsed and planned with no
/// weights: the int4 folder size the converter's defaults give (checked against real tiny conversions), the
/// planner's RAM at 4096 and 32768 tokens, and the smallest memory size of each device profile's class that
/// runs 4096 tokens. Prints the table docs/models.md holds.
/// </summary>
[Collection(ConvertedModelsCollection.Name)]
public sealed class DistillPlanTests(ConvertedModels models, ITestOutputHelper output)
{
    /// <summary>Memory sizes per profile class (GB), up to the largest the profile's description names.</summary>
    private static readonly Dictionary<string, int[]> MemorySizes = new(StringComparer.Ordinal)
    {
        ["raspberry-pi-4"] = [1, 2, 4, 8],
        ["raspberry-pi-5"] = [2, 4, 8, 16],
        ["arm64-generic"] = [4, 8, 16, 32, 64],
        ["x64-no-avx2"] = [4, 8, 16, 32],
        ["x64-laptop-avx2"] = [8, 16, 32, 64, 128],
        ["windows-old-gpu-directml"] = [2, 3, 4, 6, 8],
        ["cuda-gpu"] = [4, 6, 8, 12, 16, 24, 48, 80],
    };

    /// <summary>The seven, smallest first (tests/Fixtures/configs holds exactly these).</summary>
    private static IReadOnlyList<string> Names { get; } =
    [
        "deepseek-r1-distill-qwen-1.5b", "deepseek-r1-distill-qwen-7b", "deepseek-r1-distill-llama-8b", "deepseek-r1-0528-qwen3-8b",
        "deepseek-r1-distill-qwen-14b", "deepseek-r1-distill-qwen-32b", "deepseek-r1-distill-llama-70b",
    ];

    public static TheoryData<string> Distills => new(Names);

    [Theory]
    [MemberData(nameof(Distills))]
    public void RealConfigParsesAndPlans(string name)
    {
        ModelConfig config = ModelConfig.Load(TestPaths.Fixture("configs", name));
        Assert.Equal(131072, config.MaxPositionEmbeddings);
        Assert.Equal(name.Contains("llama", StringComparison.Ordinal) ? "llama3" : name.Contains("qwen3", StringComparison.Ordinal) ? "yarn" : "default", config.RopeType);
        ModelFootprint footprint = Footprint(name, config);
        MemoryEstimate short4k = Estimate(footprint, "x64-laptop-avx2", 4096);
        MemoryEstimate long32k = Estimate(footprint, "x64-laptop-avx2", 32768);
        Assert.True(short4k.TotalBytes > footprint.WeightBytes / 2, "the plan is smaller than the int4 weights' values");
        Assert.Equal(footprint.KvBytesPerToken(4) * (32768 - 4096), long32k.KvCacheBytes - short4k.KvCacheBytes);
    }

    [Theory]
    [InlineData(TinyModels.Qwen2)]
    [InlineData(TinyModels.Llama31)]
    [InlineData(TinyModels.Qwen3)]
    public void Int4SizeEstimateMatchesARealConversionUpToAlignment(string model)
    {
        ModelConfig config = TinyModels.Config(model);
        string folder = models.Get(model, WeightPrecision.Int4);
        long actual = new FileInfo(Path.Combine(folder, ModelConverter.DataFileName)).Length;
        long estimate = Int4WeightBytes(config, new QuantizationSettings(), Math.Min(ConversionOptions.DefaultMaxContext, config.MaxPositionEmbeddings));
        long tensors = (12L * config.LayerCount) + 8;
        output.WriteLine($"{model}: int4 model.onnx.data {actual:N0} bytes, estimate {estimate:N0}");
        Assert.InRange(actual - estimate, 0, tensors * 64 * 1024);
    }

    [Fact]
    public void TableOfTheSevenDistills()
    {
        var table = new StringBuilder();
        table.AppendLine("| model | int4 folder | RAM plan, 4096 tokens | RAM plan, 32768 tokens | smallest memory per profile for 4096 tokens |");
        table.AppendLine("| --- | ---: | ---: | ---: | --- |");
        var fits = new Dictionary<string, Dictionary<string, int?>>(StringComparer.Ordinal);
        Assert.Equal(Names.Order(StringComparer.Ordinal), Directory.GetDirectories(TestPaths.Fixture("configs")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (string name in Names)
        {
            ModelConfig config = ModelConfig.Load(TestPaths.Fixture("configs", name));
            ModelFootprint footprint = Footprint(name, config);
            fits[name] = MemorySizes.Keys.ToDictionary(profile => profile, profile => SmallestFitting(footprint, profile), StringComparer.Ordinal);
            string profiles = string.Join(", ", fits[name].Where(pair => pair.Value is not null).Select(pair => $"{pair.Key} {pair.Value} GB"));
            table.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {Gb(footprint.WeightBytes)} | {Gb(Estimate(footprint, "x64-laptop-avx2", 4096).TotalBytes)} | {Gb(Estimate(footprint, "x64-laptop-avx2", 32768).TotalBytes)} | {(profiles.Length > 0 ? profiles : "none")} |");
        }

        output.WriteLine(table.ToString());
        Assert.NotNull(fits["deepseek-r1-distill-qwen-1.5b"]["raspberry-pi-4"]);
        Assert.Null(fits["deepseek-r1-distill-llama-70b"]["raspberry-pi-5"]);
        Assert.Null(fits["deepseek-r1-distill-qwen-32b"]["raspberry-pi-5"]);
        Assert.NotNull(fits["deepseek-r1-0528-qwen3-8b"]["x64-laptop-avx2"]);
        Assert.True(fits["deepseek-r1-distill-qwen-7b"]["x64-laptop-avx2"] <= fits["deepseek-r1-distill-qwen-14b"]["x64-laptop-avx2"]);
    }

    /// <summary>
    /// model.onnx.data of <c>quantize --precision int4</c> with <paramref name="settings"/>, before alignment
    /// padding: MatMulNBits values and fp32 scales per block for q/k/v/o and the MLP, lm_head (int8 in blocks
    /// of 256 by default), the untied embedding per <see cref="QuantizationSettings.Embeddings"/>, fp32 norms,
    /// Qwen2's q/k/v biases, Qwen3's q/k norms and the cos/sin caches.
    /// </summary>
    internal static long Int4WeightBytes(ModelConfig config, QuantizationSettings settings, int context)
    {
        static long Stored(long rows, long columns, BlockQuantizationOptions? options)
        {
            if (options is null)
            {
                return rows * columns * 4;
            }

            long blocks = (columns + options.BlockSize - 1) / options.BlockSize;
            return (rows * blocks * options.BlockSize * options.Bits / 8) + (rows * blocks * 4);
        }

        long hidden = config.HiddenSize;
        long queries = (long)config.HeadCount * config.HeadDim;
        long keys = (long)config.KvHeadCount * config.HeadDim;
        long layer = Stored(queries + (2 * keys), hidden, settings.Linear) + Stored(hidden, queries, settings.Linear)
            + (2 * Stored(config.IntermediateSize, hidden, settings.Mlp)) + Stored(hidden, config.IntermediateSize, settings.Mlp)
            + (2 * hidden * 4)
            + (config.HasQkvBias ? (queries + (2 * keys)) * 4 : 0)
            + (config.HasQkNorm ? 2L * config.HeadDim * 4 : 0);
        long lmHead = Stored(config.VocabSize, hidden, settings.LmHeadOptions);
        long embedding = config.TieWordEmbeddings ? 0 : Stored(config.VocabSize, hidden, settings.EmbeddingOptions);
        long rotary = 2L * context * (config.HeadDim / 2) * 4;
        return (config.LayerCount * layer) + (hidden * 4) + lmHead + embedding + rotary;
    }

    private static ModelFootprint Footprint(string name, ModelConfig config)
    {
        var settings = new QuantizationSettings();
        return new ModelFootprint(
            name, WeightPrecision.Int4, settings.BlockSize, Int4WeightBytes(config, settings, 32768),
            config.LayerCount, config.HeadCount, config.KvHeadCount, config.HeadDim, config.HiddenSize, config.IntermediateSize, config.VocabSize,
            config.MaxPositionEmbeddings, config.TieWordEmbeddings)
        {
            LmHeadPrecision = WeightPrecision.Int8,
            LmHeadBlockSize = settings.LmHeadOptions!.BlockSize,
            EmbeddingPrecision = settings.Embeddings == LmHeadPrecision.Int8 ? WeightPrecision.Int8 : WeightPrecision.Fp32,
            LastPositionLogitsOnly = true,
        };
    }

    private static DeviceProfile Profile(string name) => DeviceProfileCatalog.LoadBuiltIn().Find(name);

    private static MemoryEstimate Estimate(ModelFootprint footprint, string profile, int context)
    {
        DeviceProfile device = Profile(profile);
        return MemoryPlanner.Estimate(footprint, context, device.PrefillChunk, device.KvPrecision, WeightPlacement.CpuPrepacked);
    }

    /// <summary>The smallest memory size of the profile's class (RAM, or VRAM for GPU profiles) whose budget runs 4096 tokens.</summary>
    private static int? SmallestFitting(ModelFootprint footprint, string profileName)
    {
        DeviceProfile profile = Profile(profileName);
        bool gpu = profile.Match.GpuMinimumMemoryBytes > 0;
        foreach (int gigabytes in MemorySizes[profileName])
        {
            long total = gigabytes * 1024L * 1024 * 1024;
            var budget = new MemoryBudget(total, gpu ? (long)(profile.Headroom.Fraction * total) : profile.Headroom.BytesFor(total), total, gpu ? "GPU" : "RAM");
            MemoryPlan plan = MemoryPlanner.Plan(footprint, profile, budget, gpu ? WeightPlacement.Gpu : WeightPlacement.CpuPrepacked, 4096);
            if (plan.Refusal is null)
            {
                return gigabytes;
            }
        }

        return null;
    }

    private static string Gb(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e9:F2} GB");
}
