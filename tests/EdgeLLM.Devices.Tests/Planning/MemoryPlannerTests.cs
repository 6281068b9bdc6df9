using EdgeLLM.Devices.Planning;
using EdgeLLM.Devices.Profiles;
using EdgeLLM.Devices.Tests.Profiles;

namespace EdgeLLM.Devices.Tests.Planning;

public sealed class MemoryPlannerTests
{
    private static readonly DeviceProfileCatalog Catalog = DeviceProfileCatalog.LoadBuiltIn();
    private static readonly DeviceProfile Pi4 = Catalog.Find("raspberry-pi-4");
    private static readonly DeviceProfile Pi5 = Catalog.Find("raspberry-pi-5");

    [Fact]
    public void Qwen15B_OnA4GBPi4_RunsAtTheProfileMaximum()
    {
        // Usable: MemAvailable 3,594,067,968 - headroom 318,212,341 = 3,275,855,627 bytes.
        MemoryBudget budget = MemoryBudget.ForRam(Machines.RaspberryPi4.Memory, Pi4);
        Assert.Equal(3_275_855_627, budget.UsableBytes);

        MemoryPlan plan = MemoryPlanner.Plan(ModelShapes.Qwen15BInt4, Pi4, budget, WeightPlacement.CpuPrepacked, requestedContext: null);

        // At 4096 with the Pi 4's 64-token chunk: mapped 579,584 (norms, biases; the scales leave memory
        // after loading on Linux) + 64 embedding rows * 360,448 = 23,068,672 -> 23,648,256; + prepacked
        // 1,157,677,056 + KV 234,881,024 + 155,008 * 4 * 64 = 39,682,048 + 150,000,000 = 1,605,888,384.
        Assert.True(plan.Fits);
        Assert.Equal(4096, plan.Context);
        Assert.Equal(1_605_888_384, plan.Estimate.TotalBytes);
        Assert.Null(plan.Note);
    }

    [Fact]
    public void Qwen7B_OnAn8GBPi5_FitsAContextBetweenTheDefaultAndTheMaximum()
    {
        // The captured 8 GB Pi 5 with 7.0 GB free (a desktop session running beside it): usable
        // 7,000,000,000 - max(300 MB, 8 % of 8,443,510,784) = 7,000,000,000 - 675,480,862 = 6,324,519,138.
        MemoryBudget budget = MemoryBudget.ForRam(Machines.RaspberryPi5.Memory, Pi5) with { AvailableBytes = 7_000_000_000 };
        Assert.Equal(6_324_519_138, budget.UsableBytes);

        // Fixed: norms and biases 1,333,248 (the scales leave memory after loading on Linux) + 128 embedding
        // rows * 360,448 = 46,137,344 + prepacked 5,302,714,368 + runtime 150,000,000 = 5,500,184,960; KV
        // 114,688 per token; activations the larger of lm_head 159,232 and attention 15,360 + 28 * context
        // floats per token, * 4 * 128 (attention above 5138 tokens). 8192 (the maximum) needs 6,565,013,888.
        // 6144: 5,500,184,960 + 704,643,072 + 187,392 * 512 = 95,944,704 -> 6,300,772,736 fits;
        // 6400: 5,500,184,960 + 734,003,200 + 194,560 * 512 = 99,614,720 -> 6,333,802,880 does not.
        MemoryPlan plan = MemoryPlanner.Plan(ModelShapes.Qwen7BInt4, Pi5, budget, WeightPlacement.CpuPrepacked, requestedContext: null);

        Assert.True(plan.Fits);
        Assert.Equal(6144, plan.Context);
        Assert.Equal(6_300_772_736, plan.Estimate.TotalBytes);
        Assert.Null(plan.Note);
    }

    [Fact]
    public void Qwen7B_OnA4GBPi4_IsRefusedWithTheSmallerModel()
    {
        MemoryPlan plan = MemoryPlanner.Plan(ModelShapes.Qwen7BInt4, Pi4, MemoryBudget.ForRam(Machines.RaspberryPi4.Memory, Pi4), WeightPlacement.CpuPrepacked, requestedContext: null);

        // At 512 (no scales: they leave memory after loading on Linux): 1,333,248 + 64 * 360,448 + 5,302,714,368
        // + 114,688 * 512 + 159,232 * 4 * 64 + 150,000,000 = 24,401,920 + 5,302,714,368 + 58,720,256
        // + 40,763,392 + 150,000,000 = 5,576,599,936, above the 3,275,855,627 usable.
        Assert.False(plan.Fits);
        Assert.Equal(5_576_599_936, plan.Estimate.TotalBytes);
        Assert.Equal(
            "DeepSeek-R1-Distill-Qwen-7B-int4 needs 5.6 GB even at context 512, 3.3 GB available (3.6 GB free RAM minus 318 MB headroom): use the DeepSeek-R1-Distill-Qwen-1.5B int4 model",
            plan.Refusal);
        var error = Assert.Throws<InsufficientMemoryException>(() => plan.EnsureFits());
        Assert.Equal(plan.Refusal, error.Message);
    }

    [Fact]
    public void RequestedContextTooLargeForMemory_SuggestsASmallerContextAndModel()
    {
        var budget = new MemoryBudget(AvailableBytes: 6_500_000_000, HeadroomBytes: 500_000_000, TotalBytes: 8_000_000_000, Kind: "RAM");

        MemoryPlan plan = MemoryPlanner.Plan(ModelShapes.Qwen7BInt4, Pi5, budget, WeightPlacement.CpuPrepacked, requestedContext: 8192);

        // At 8192: mapped 1,333,248 (norms, biases; the scales leave memory after loading on Linux)
        // + 128 rows * 360,448 = 47,470,592; + 5,302,714,368 + KV 939,524,096 + attention peak
        // (4608 + 3584 + 7168 + 28 * 8192) * 4 * 128 = 125,304,832 + 150,000,000 = 6,565,013,888.
        // Below 5138 tokens lm_head's 81,526,784 is the activation peak: the Pi 5 plan's fixed 5,500,184,960
        // + 81,526,784 = 5,581,711,744, + 114,688 per token; 3584 tokens (5,581,711,744 + 411,041,792
        // = 5,992,753,536) fit 6,000,000,000; 3840 need 5,581,711,744 + 440,401,920 = 6,022,113,664.
        Assert.False(plan.Fits);
        Assert.Equal(6_565_013_888, plan.Estimate.TotalBytes);
        Assert.Equal(
            "DeepSeek-R1-Distill-Qwen-7B-int4 needs 6.6 GB at context 8192, 6.0 GB available (6.5 GB free RAM minus 500 MB headroom): use --context 3584 or the DeepSeek-R1-Distill-Qwen-1.5B int4 model",
            plan.Refusal);
    }

    [Fact]
    public void TightMemory_PicksTheLargestContextThatFits_AndNotesIt()
    {
        var budget = new MemoryBudget(AvailableBytes: 1_780_000_000, HeadroomBytes: 300_000_000, TotalBytes: 3_000_000_000, Kind: "RAM");

        MemoryPlan plan = MemoryPlanner.Plan(ModelShapes.Qwen15BInt4, Pi4, budget, WeightPlacement.CpuPrepacked, requestedContext: null);

        // Fixed: 579,584 (norms, biases; the scales leave memory after loading on Linux) + 64 rows * 360,448
        // = 23,068,672 + 1,157,677,056 + 39,682,048 + 150,000,000 = 1,371,007,360; 57,344 KV per token:
        // 1792 -> 1,473,767,808 fits 1.48e9; 2048 -> 1,488,447,872 does not.
        Assert.True(plan.Fits);
        Assert.Equal(1792, plan.Context);
        Assert.Equal(1_473_767_808, plan.Estimate.TotalBytes);
        Assert.Equal("context 1792 is below profile raspberry-pi-4's default 2048: memory is tight", plan.Note);
    }

    [Fact]
    public void RequestedContext_ThatFits_IsKept()
    {
        MemoryPlan plan = MemoryPlanner.Plan(ModelShapes.Qwen15BInt4, Pi4, MemoryBudget.ForRam(Machines.RaspberryPi4.Memory, Pi4), WeightPlacement.CpuPrepacked, requestedContext: 3000);

        Assert.True(plan.Fits);
        Assert.Equal(3000, plan.Context);
    }

    [Fact]
    public void RequestedContext_ThatDoesNotFit_WithoutASmallerModel_SuggestsOnlyTheContext()
    {
        var budget = new MemoryBudget(AvailableBytes: 1_780_000_000, HeadroomBytes: 300_000_000, TotalBytes: 3_000_000_000, Kind: "RAM");

        MemoryPlan plan = MemoryPlanner.Plan(ModelShapes.Qwen15BInt4, Pi4, budget, WeightPlacement.CpuPrepacked, requestedContext: 4096);

        // 1,605,888,384 at 4096 (see the Pi 4 plan above); 1792 fits as in the tight-memory plan.
        Assert.Equal(
            "DeepSeek-R1-Distill-Qwen-1.5B-int4 needs 1.6 GB at context 4096, 1.5 GB available (1.8 GB free RAM minus 300 MB headroom): use --context 1792",
            plan.Refusal);
    }

    [Fact]
    public void ContextLargerThanTheModels_IsRefused()
    {
        ModelFootprint shortModel = ModelShapes.Qwen15BInt4 with { MaxContext = 32768 };

        var error = Assert.Throws<ArgumentException>(() => MemoryPlanner.Plan(shortModel, Pi5, MemoryBudget.ForRam(Machines.RaspberryPi5.Memory, Pi5), WeightPlacement.CpuPrepacked, requestedContext: 65536));

        Assert.Equal("--context 65536 is larger than DeepSeek-R1-Distill-Qwen-1.5B-int4's maximum context 32768", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void NonPositiveContext_IsRefused(int context)
    {
        var error = Assert.Throws<ArgumentException>(() => MemoryPlanner.Plan(ModelShapes.Qwen15BInt4, Pi5, MemoryBudget.ForRam(Machines.RaspberryPi5.Memory, Pi5), WeightPlacement.CpuPrepacked, context));

        Assert.Equal($"--context {context} is not a positive number of tokens", error.Message);
    }

    [Fact]
    public void ModelMaximumBelowTheProfiles_CapsTheContext()
    {
        ModelFootprint shortModel = ModelShapes.Qwen15BInt4 with { MaxContext = 3000 };

        MemoryPlan plan = MemoryPlanner.Plan(shortModel, Pi5, MemoryBudget.ForRam(Machines.RaspberryPi5.Memory, Pi5), WeightPlacement.CpuPrepacked, requestedContext: null);

        Assert.Equal(3000, plan.Context);
        Assert.Null(plan.Note);
    }
}
