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
        // + 155,008 * 4 * 64 = 39,682,048 + 150,000,000 = 2,709,260,672.
        Assert.True(plan.Fits);
        Assert.Equal(4096, plan.Context);
        Assert.Equal(2_709_260_672, plan.Estimate.TotalBytes);
        Assert.Null(plan.Note);
    }

    [Fact]
    public void Qwen7B_OnAn8GBPi5_FitsOnlyAShortContext()
    {
        // Usable: 7,807,008,768 - max(300 MB, 8 % of 8,443,510,784) = 7,131,527,906.
        // Fixed: norms and biases 1,333,248 + scales 883,785,728 + prepacked 5,302,714,368 + lm_head peak
        // 159,232 * 4 * 128 = 81,526,784 + runtime 150,000,000 = 6,419,360,128; per token 360,448 mapped
        // embedding + 114,688 KV = 475,136. 1280 -> 7,027,534,208 fits; 1536 -> 7,149,169,024 does not.
        MemoryPlan plan = MemoryPlanner.Plan(ModelShapes.Qwen7BInt4, Pi5, MemoryBudget.ForRam(Machines.RaspberryPi5.Memory, Pi5), WeightPlacement.CpuPrepacked, requestedContext: null);

        Assert.True(plan.Fits);
        Assert.Equal(1280, plan.Context);
        Assert.Equal(7_027_534_208, plan.Estimate.TotalBytes);
        Assert.Equal("context 1280 is below profile raspberry-pi-5's default 4096: memory is tight", plan.Note);
    }

    [Fact]
    public void Qwen7B_OnA4GBPi4_IsRefusedWithTheSmallerModel()
    {
        MemoryPlan plan = MemoryPlanner.Plan(ModelShapes.Qwen7BInt4, Pi4, MemoryBudget.ForRam(Machines.RaspberryPi4.Memory, Pi4), WeightPlacement.CpuPrepacked, requestedContext: null);

        // At 512: 1,333,248 + 883,785,728 + 512 * 360,448 + 5,302,714,368 + 114,688 * 512 + 159,232 * 4 * 64
        // + 150,000,000 = 1,069,668,352 + 5,302,714,368 + 58,720,256 + 40,763,392 + 150,000,000 = 6,621,866,368.
        Assert.False(plan.Fits);
        Assert.Equal(6_621_866_368, plan.Estimate.TotalBytes);
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
        // + KV 939,524,096 + attention peak (4608 + 3584 + 7168 + 28 * 8192) * 4 * 128 = 125,304,832
        // + 150,000,000 = 9,582,651,776. At 1024 (6,419,360,128 + 1024 * 475,136 = 6,905,899,392) it fits
        // 7,000,000,000; 1280 needs 7,027,534,208.
        Assert.False(plan.Fits);
        Assert.Equal(9_582_651_776, plan.Estimate.TotalBytes);
        Assert.Equal(
            "DeepSeek-R1-Distill-Qwen-7B-int4 needs 9.6 GB at context 8192, 7.0 GB available (7.5 GB free RAM minus 500 MB headroom): use --context 1024 or the DeepSeek-R1-Distill-Qwen-1.5B int4 model",
            plan.Refusal);
    }

    [Fact]
    public void TightMemory_PicksTheLargestContextThatFits_AndNotesIt()
    {
        var budget = new MemoryBudget(AvailableBytes: 2_600_000_000, HeadroomBytes: 300_000_000, TotalBytes: 3_000_000_000, Kind: "RAM");

        MemoryPlan plan = MemoryPlanner.Plan(ModelShapes.Qwen15BInt4, Pi4, budget, WeightPlacement.CpuPrepacked, requestedContext: null);

        // Fixed: 579,584 + scales 192,946,176 + 1,157,677,056 + 39,682,048 + 150,000,000 = 1,540,884,864; per token
        // 360,448 embedding + 57,344 KV = 417,792: 1792 -> 2,289,568,128 fits 2.3e9; 2048 -> 2,396,522,880 does not.
        Assert.True(plan.Fits);
        Assert.Equal(1792, plan.Context);
        Assert.Equal(2_289_568_128, plan.Estimate.TotalBytes);
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
        var budget = new MemoryBudget(AvailableBytes: 2_600_000_000, HeadroomBytes: 300_000_000, TotalBytes: 3_000_000_000, Kind: "RAM");

        MemoryPlan plan = MemoryPlanner.Plan(ModelShapes.Qwen15BInt4, Pi4, budget, WeightPlacement.CpuPrepacked, requestedContext: 4096);

        // 2,709,260,672 at 4096 (see the Pi 4 plan above); 1792 fits as in the tight-memory plan.
        Assert.Equal(
            "DeepSeek-R1-Distill-Qwen-1.5B-int4 needs 2.7 GB at context 4096, 2.3 GB available (2.6 GB free RAM minus 300 MB headroom): use --context 1792",
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
