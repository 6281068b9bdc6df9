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

        // At 4096 with the Pi 4's 64-token chunk: mapped 1,127,020,544 + prepacked 1,157,677,056 + KV 234,881,024
        // + 155,008 * 4 * 64 * 1.5 = 59,523,072 + 150,000,000 = 2,729,101,696.
        Assert.True(plan.Fits);
        Assert.Equal(4096, plan.Context);
        Assert.Equal(2_729_101_696, plan.Estimate.TotalBytes);
        Assert.Null(plan.Note);
    }

    [Fact]
    public void Qwen7B_OnAn8GBPi5_FitsOnlyAShortContext()
    {
        // Usable: 7,807,008,768 - max(300 MB, 8 % of 8,443,510,784) = 7,131,527,906.
        // Fixed: norms and biases 1,333,248 + scales 883,785,728 + prepacked 5,302,714,368 + lm_head peak
        // 159,232 * 4 * 128 * 1.5 = 122,290,176 + runtime 150,000,000 = 6,460,123,520; per token 360,448 mapped
        // embedding + 114,688 KV = 475,136. 1280 -> 7,068,297,600 fits; 1536 -> 7,189,932,416 does not.
        MemoryPlan plan = MemoryPlanner.Plan(ModelShapes.Qwen7BInt4, Pi5, MemoryBudget.ForRam(Machines.RaspberryPi5.Memory, Pi5), WeightPlacement.CpuPrepacked, requestedContext: null);

        Assert.True(plan.Fits);
        Assert.Equal(1280, plan.Context);
        Assert.Equal(7_068_297_600, plan.Estimate.TotalBytes);
        Assert.Equal("context 1280 is below profile raspberry-pi-5's default 4096: memory is tight", plan.Note);
    }

    [Fact]
    public void Qwen7B_OnA4GBPi4_IsRefusedWithTheSmallerModel()
    {
        MemoryPlan plan = MemoryPlanner.Plan(ModelShapes.Qwen7BInt4, Pi4, MemoryBudget.ForRam(Machines.RaspberryPi4.Memory, Pi4), WeightPlacement.CpuPrepacked, requestedContext: null);

        // At 512: 1,333,248 + 883,785,728 + 512 * 360,448 + 5,302,714,368 + 114,688 * 512 + 159,232 * 4 * 64 * 1.5
        // + 150,000,000 = 1,069,668,352 + 5,302,714,368 + 58,720,256 + 61,145,088 + 150,000,000 = 6,642,248,064.
        Assert.False(plan.Fits);
        Assert.Equal(6_642_248_064, plan.Estimate.TotalBytes);
        Assert.Equal(
            "DeepSeek-R1-Distill-Qwen-7B-int4 needs 6.6 GB even at context 512, 3.3 GB available (3.6 GB free RAM minus 318 MB headroom): use the DeepSeek-R1-Distill-Qwen-1.5B int4 model",
            plan.Refusal);
        var error = Assert.Throws<InsufficientMemoryException>(() => plan.EnsureFits());
        Assert.Equal(plan.Refusal, error.Message);
    }

    [Fact]
    public void RequestedContextTooLargeForMemory_SuggestsASmallerContextAndModel()
    {
        var budget = new MemoryBudget(AvailableBytes: 7_500_000_000, HeadroomBytes: 500_000_000, TotalBytes: 8_000_000_000, Kind: "RAM");

        MemoryPlan plan = MemoryPlanner.Plan(ModelShapes.Qwen7BInt4, Pi5, budget, WeightPlacement.CpuPrepacked, requestedContext: 8192);

        // At 8192: mapped 1,333,248 + 883,785,728 + the whole 2,179,989,504 table = 3,065,108,480; + 5,302,714,368
        // + KV 939,524,096 + attention peak (4608 + 3584 + 7168 + 28 * 8192) * 4 * 128 * 1.5 = 187,957,248
        // + 150,000,000 = 9,645,304,192. At 1024 (6,460,123,520 + 1024 * 475,136 = 6,946,662,784) it fits
        // 7,000,000,000; 1280 needs 7,068,297,600.
        Assert.False(plan.Fits);
        Assert.Equal(9_645_304_192, plan.Estimate.TotalBytes);
        Assert.Equal(
            "DeepSeek-R1-Distill-Qwen-7B-int4 needs 9.6 GB at context 8192, 7.0 GB available (7.5 GB free RAM minus 500 MB headroom): use --context 1024 or the DeepSeek-R1-Distill-Qwen-1.5B int4 model",
            plan.Refusal);
    }

    [Fact]
    public void TightMemory_PicksTheLargestContextThatFits_AndNotesIt()
    {
        var budget = new MemoryBudget(AvailableBytes: 2_700_000_000, HeadroomBytes: 300_000_000, TotalBytes: 3_000_000_000, Kind: "RAM");

        MemoryPlan plan = MemoryPlanner.Plan(ModelShapes.Qwen15BInt4, Pi4, budget, WeightPlacement.CpuPrepacked, requestedContext: null);

        // Fixed: 579,584 + scales 192,946,176 + 1,157,677,056 + 59,523,072 + 150,000,000 = 1,560,725,888; per token
        // 360,448 embedding + 57,344 KV = 417,792: 1792 -> 2,309,409,152 fits 2.4e9; 2048 -> 2,416,363,904 does not.
        Assert.True(plan.Fits);
        Assert.Equal(1792, plan.Context);
        Assert.Equal(2_309_409_152, plan.Estimate.TotalBytes);
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
        var budget = new MemoryBudget(AvailableBytes: 2_700_000_000, HeadroomBytes: 300_000_000, TotalBytes: 3_000_000_000, Kind: "RAM");

        MemoryPlan plan = MemoryPlanner.Plan(ModelShapes.Qwen15BInt4, Pi4, budget, WeightPlacement.CpuPrepacked, requestedContext: 4096);

        // 2,729,101,696 at 4096 (see the Pi 4 plan above); 1792 fits as in the tight-memory plan.
        Assert.Equal(
            "DeepSeek-R1-Distill-Qwen-1.5B-int4 needs 2.7 GB at context 4096, 2.4 GB available (2.7 GB free RAM minus 300 MB headroom): use --context 1792",
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
