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

        // At 4096 with the Pi 4's 64-token chunk: mapped 193,525,760 (scales, norms, biases) + 64 embedding rows
        // * 360,448 = 23,068,672 -> 216,594,432; + prepacked 1,157,677,056 + KV 234,881,024
        // + 155,008 * 4 * 64 = 39,682,048 + 150,000,000 = 1,798,834,560.
        Assert.True(plan.Fits);
        Assert.Equal(4096, plan.Context);
        Assert.Equal(1_798_834_560, plan.Estimate.TotalBytes);
        Assert.Null(plan.Note);
    }

    [Fact]
    public void Qwen7B_OnAn8GBPi5_FitsAContextBetweenTheDefaultAndTheMaximum()
    {
        // Usable: 7,807,008,768 - max(300 MB, 8 % of 8,443,510,784) = 7,131,527,906.
        // Fixed: norms and biases 1,333,248 + scales 883,785,728 + 128 embedding rows * 360,448 = 46,137,344
        // + prepacked 5,302,714,368 + runtime 150,000,000 = 6,383,970,688; KV 114,688 per token; activations
        // the larger of lm_head 159,232 and attention 15,360 + 28 * context floats per token, * 4 * 128.
        // 5632: 6,383,970,688 + 645,922,816 + 173,056 * 512 = 88,604,672 -> 7,118,498,176 fits;
        // 5888: 6,383,970,688 + 675,282,944 + 180,224 * 512 = 92,274,688 -> 7,151,528,320 does not.
        MemoryPlan plan = MemoryPlanner.Plan(ModelShapes.Qwen7BInt4, Pi5, MemoryBudget.ForRam(Machines.RaspberryPi5.Memory, Pi5), WeightPlacement.CpuPrepacked, requestedContext: null);

        Assert.True(plan.Fits);
        Assert.Equal(5632, plan.Context);
        Assert.Equal(7_118_498_176, plan.Estimate.TotalBytes);
        Assert.Null(plan.Note);
    }

    [Fact]
    public void Qwen7B_OnA4GBPi4_IsRefusedWithTheSmallerModel()
    {
        MemoryPlan plan = MemoryPlanner.Plan(ModelShapes.Qwen7BInt4, Pi4, MemoryBudget.ForRam(Machines.RaspberryPi4.Memory, Pi4), WeightPlacement.CpuPrepacked, requestedContext: null);

        // At 512: 1,333,248 + 883,785,728 + 64 * 360,448 + 5,302,714,368 + 114,688 * 512 + 159,232 * 4 * 64
        // + 150,000,000 = 908,187,648 + 5,302,714,368 + 58,720,256 + 40,763,392 + 150,000,000 = 6,460,385,664.
        Assert.False(plan.Fits);
        Assert.Equal(6_460_385_664, plan.Estimate.TotalBytes);
        Assert.Equal(
            "DeepSeek-R1-Distill-Qwen-7B-int4 needs 6.5 GB even at context 512, 3.3 GB available (3.6 GB free RAM minus 318 MB headroom): use the DeepSeek-R1-Distill-Qwen-1.5B int4 model",
            plan.Refusal);
        var error = Assert.Throws<InsufficientMemoryException>(() => plan.EnsureFits());
        Assert.Equal(plan.Refusal, error.Message);
    }

    [Fact]
    public void RequestedContextTooLargeForMemory_SuggestsASmallerContextAndModel()
    {
        var budget = new MemoryBudget(AvailableBytes: 7_500_000_000, HeadroomBytes: 500_000_000, TotalBytes: 8_000_000_000, Kind: "RAM");

        MemoryPlan plan = MemoryPlanner.Plan(ModelShapes.Qwen7BInt4, Pi5, budget, WeightPlacement.CpuPrepacked, requestedContext: 8192);

        // At 8192: mapped 1,333,248 + 883,785,728 + 128 rows * 360,448 = 931,256,320; + 5,302,714,368
        // + KV 939,524,096 + attention peak (4608 + 3584 + 7168 + 28 * 8192) * 4 * 128 = 125,304,832
        // + 150,000,000 = 7,448,799,616. With lm_head's 81,526,784 as the activation peak, 4608 tokens
        // (6,465,497,472 + 4608 * 114,688 = 6,993,979,776) fit 7,000,000,000; 4864 need 7,023,327,616.
        Assert.False(plan.Fits);
        Assert.Equal(7_448_799_616, plan.Estimate.TotalBytes);
        Assert.Equal(
            "DeepSeek-R1-Distill-Qwen-7B-int4 needs 7.4 GB at context 8192, 7.0 GB available (7.5 GB free RAM minus 500 MB headroom): use --context 4608 or the DeepSeek-R1-Distill-Qwen-1.5B int4 model",
            plan.Refusal);
    }

    [Fact]
    public void TightMemory_PicksTheLargestContextThatFits_AndNotesIt()
    {
        var budget = new MemoryBudget(AvailableBytes: 1_970_000_000, HeadroomBytes: 300_000_000, TotalBytes: 3_000_000_000, Kind: "RAM");

        MemoryPlan plan = MemoryPlanner.Plan(ModelShapes.Qwen15BInt4, Pi4, budget, WeightPlacement.CpuPrepacked, requestedContext: null);

        // Fixed: 579,584 + scales 192,946,176 + 64 rows * 360,448 = 23,068,672 + 1,157,677,056 + 39,682,048
        // + 150,000,000 = 1,563,953,536; 57,344 KV per token: 1792 -> 1,666,713,984 fits 1.67e9; 2048 -> 1,681,393,664 does not.
        Assert.True(plan.Fits);
        Assert.Equal(1792, plan.Context);
        Assert.Equal(1_666_713_984, plan.Estimate.TotalBytes);
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
        var budget = new MemoryBudget(AvailableBytes: 1_970_000_000, HeadroomBytes: 300_000_000, TotalBytes: 3_000_000_000, Kind: "RAM");

        MemoryPlan plan = MemoryPlanner.Plan(ModelShapes.Qwen15BInt4, Pi4, budget, WeightPlacement.CpuPrepacked, requestedContext: 4096);

        // 1,798,834,560 at 4096 (see the Pi 4 plan above); 1792 fits as in the tight-memory plan.
        Assert.Equal(
            "DeepSeek-R1-Distill-Qwen-1.5B-int4 needs 1.8 GB at context 4096, 1.7 GB available (2.0 GB free RAM minus 300 MB headroom): use --context 1792",
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
