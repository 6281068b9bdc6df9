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

        // At 4096 with the Pi 4's 64-token chunk: 269,015,040 + 1,157,677,056 + 234,881,024
        // + 155,008 * 4 * 64 * 1.5 = 59,523,072 + 150,000,000 = 1,871,096,192.
        Assert.True(plan.Fits);
        Assert.Equal(4096, plan.Context);
        Assert.Equal(1_871_096_192, plan.Estimate.TotalBytes);
        Assert.Null(plan.Note);
    }

    [Fact]
    public void Qwen7B_OnAn8GBPi5_RunsAt8192()
    {
        // Usable: 7,807,008,768 - max(300 MB, 8 % of 8,443,510,784) = 7,131,527,906.
        // At 8192 (chunk 128): mapped 1,333,248 + 8192 * 65,536 = 538,204,160; prepacked 5,302,714,368;
        // KV 114,688 * 8192 = 939,524,096; attention peak (4608 + 3584 + 7168 + 28 * 8192) * 4 * 128 * 1.5
        // = 187,957,248; runtime 150,000,000 -> 7,118,399,872.
        MemoryPlan plan = MemoryPlanner.Plan(ModelShapes.Qwen7BInt4, Pi5, MemoryBudget.ForRam(Machines.RaspberryPi5.Memory, Pi5), WeightPlacement.CpuPrepacked, requestedContext: null);

        Assert.True(plan.Fits);
        Assert.Equal(8192, plan.Context);
        Assert.Equal(7_118_399_872, plan.Estimate.TotalBytes);
    }

    [Fact]
    public void Qwen7B_OnA4GBPi4_IsRefusedWithTheSmallerModel()
    {
        MemoryPlan plan = MemoryPlanner.Plan(ModelShapes.Qwen7BInt4, Pi4, MemoryBudget.ForRam(Machines.RaspberryPi4.Memory, Pi4), WeightPlacement.CpuPrepacked, requestedContext: null);

        // At 512: 1,333,248 + 512 * 65,536 + 5,302,714,368 + 114,688 * 512 + 159,232 * 4 * 64 * 1.5 + 150,000,000
        // = 34,887,680 + 5,302,714,368 + 58,720,256 + 61,145,088 + 150,000,000 = 5,607,467,392.
        Assert.False(plan.Fits);
        Assert.Equal(5_607_467_392, plan.Estimate.TotalBytes);
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

        // Needs 7,118,399,872 at 8192. Below 5138 tokens lm_head is the activation peak (122,290,176), so the total is
        // 5,576,337,792 + 180,224 per token: 2304 -> 5,991,573,888 fits 6,000,000,000; 2560 -> 6,037,711,232 does not.
        Assert.False(plan.Fits);
        Assert.Equal(
            "DeepSeek-R1-Distill-Qwen-7B-int4 needs 7.1 GB at context 8192, 6.0 GB available (6.5 GB free RAM minus 500 MB headroom): use --context 2304 or the DeepSeek-R1-Distill-Qwen-1.5B int4 model",
            plan.Refusal);
    }

    [Fact]
    public void TightMemory_PicksTheLargestContextThatFits_AndNotesIt()
    {
        var budget = new MemoryBudget(AvailableBytes: 1_900_000_000, HeadroomBytes: 300_000_000, TotalBytes: 2_000_000_000, Kind: "RAM");

        MemoryPlan plan = MemoryPlanner.Plan(ModelShapes.Qwen15BInt4, Pi4, budget, WeightPlacement.CpuPrepacked, requestedContext: null);

        // 1,367,779,712 fixed + 122,880 per token (65,536 mapped + 57,344 KV): 1792 -> 1,587,980,672 fits 1.6e9, 2048 -> 1,619,437,952 does not.
        Assert.True(plan.Fits);
        Assert.Equal(1792, plan.Context);
        Assert.Equal(1_587_980_672, plan.Estimate.TotalBytes);
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
        var budget = new MemoryBudget(AvailableBytes: 1_900_000_000, HeadroomBytes: 300_000_000, TotalBytes: 2_000_000_000, Kind: "RAM");

        MemoryPlan plan = MemoryPlanner.Plan(ModelShapes.Qwen15BInt4, Pi4, budget, WeightPlacement.CpuPrepacked, requestedContext: 4096);

        Assert.Equal(
            "DeepSeek-R1-Distill-Qwen-1.5B-int4 needs 1.9 GB at context 4096, 1.6 GB available (1.9 GB free RAM minus 300 MB headroom): use --context 1792",
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
