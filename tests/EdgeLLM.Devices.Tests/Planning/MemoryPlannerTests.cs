using EdgeLLM.Devices.Planning;
using EdgeLLM.Devices.Profiles;
using EdgeLLM.Devices.Tests.Profiles;
using EdgeLLM.Format;

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

        // Running at 4096 with the Pi 4's 64-token chunk: mapped 579,584 (norms, biases; the scales leave
        // memory after loading on Linux) + 64 embedding rows * 360,448 = 23,068,672 -> 23,648,256; + prepacked
        // 1,157,677,056 + KV 234,881,024 + 155,008 * 4 * 64 = 39,682,048 + 150,000,000 = 1,605,888,384.
        // Load peak: 150,000,000 + 1,157,677,056 + every scale 48,236,544 * 4 = 192,946,176 + lm_head's int4
        // source 116,686,848 + norms and biases 579,584 = 1,617,889,664, above the running cost: the total.
        Assert.True(plan.Fits);
        Assert.Equal(4096, plan.Context);
        Assert.Equal(1_605_888_384, plan.Estimate.RunningBytes);
        Assert.Equal(1_617_889_664, plan.Estimate.TotalBytes);
        Assert.Null(plan.Note);
    }

    [Fact]
    public void Qwen15B_OnAn8GBPi5WithLittleFree_FitsAContextBetweenTheDefaultAndTheMaximum()
    {
        // The 7B cannot show this on the Pi 5 profile: its load peak (6,610,332,032, see the 4 GB Pi 4 refusal
        // below) is above its running cost at every context up to the maximum 8192 (6,565,013,888), so any
        // budget that loads it runs it at 8192. The 1.5B's load peak 1,617,889,664 is below its running cost
        // at the default 4096, so a budget can stop it between 4096 and 8192.
        // The captured 8 GB Pi 5 with 2.47 GB free (other programs beside it): usable
        // 2,470,000,000 - max(300 MB, 8 % of 8,443,510,784) = 2,470,000,000 - 675,480,862 = 1,794,519,138.
        MemoryBudget budget = MemoryBudget.ForRam(Machines.RaspberryPi5.Memory, Pi5) with { AvailableBytes = 2_470_000_000 };
        Assert.Equal(1_794_519_138, budget.UsableBytes);

        // Running, with the Pi 5's 128-token chunk: norms and biases 579,584 + 128 embedding rows * 360,448
        // = 46,137,344 + prepacked 1,157,677,056 + lm_head's 155,008 floats * 4 * 128 = 79,364,096 (above
        // attention's 6656 + 12 * context up to 12,362 tokens) + runtime 150,000,000 = 1,433,758,080, + KV
        // 57,344 per token. 8192 (the maximum) needs 1,903,520,128;
        // 6144: 1,433,758,080 + 352,321,536 = 1,786,079,616 fits; 6400: + 367,001,600 = 1,800,759,680 does not.
        MemoryPlan plan = MemoryPlanner.Plan(ModelShapes.Qwen15BInt4, Pi5, budget, WeightPlacement.CpuPrepacked, requestedContext: null);

        Assert.True(plan.Fits);
        Assert.Equal(6144, plan.Context);
        Assert.Equal(1_786_079_616, plan.Estimate.TotalBytes);
        Assert.Null(plan.Note);
    }

    [Fact]
    public void Qwen7B_OnA4GBPi4_IsRefusedWithTheSmallerModel()
    {
        MemoryPlan plan = MemoryPlanner.Plan(ModelShapes.Qwen7BInt4, Pi4, MemoryBudget.ForRam(Machines.RaspberryPi4.Memory, Pi4), WeightPlacement.CpuPrepacked, requestedContext: null);

        // Running at 512 (no scales: they leave memory after loading on Linux): 1,333,248 + 64 * 360,448
        // + 5,302,714,368 + 114,688 * 512 + 159,232 * 4 * 64 + 150,000,000 = 24,401,920 + 5,302,714,368
        // + 58,720,256 + 40,763,392 + 150,000,000 = 5,576,599,936. Load peak: 150,000,000 + 5,302,714,368
        // + every scale 220,946,432 * 4 = 883,785,728 + lm_head's int4 source 272,498,688 + norms and biases
        // 1,333,248 = 6,610,332,032, the total, above the 3,275,855,627 usable.
        Assert.False(plan.Fits);
        Assert.Equal(5_576_599_936, plan.Estimate.RunningBytes);
        Assert.Equal(6_610_332_032, plan.Estimate.TotalBytes);
        Assert.Equal(
            "DeepSeek-R1-Distill-Qwen-7B-int4 needs 6.6 GB even at context 512, 3.3 GB available (3.6 GB free RAM minus 318 MB headroom): use the DeepSeek-R1-Distill-Qwen-1.5B int4 model",
            plan.Refusal);
        var error = Assert.Throws<InsufficientMemoryException>(() => plan.EnsureFits());
        Assert.Equal(plan.Refusal, error.Message);
    }

    [Fact]
    public void RequestedContextTooLargeForMemory_SuggestsASmallerContextAndModel()
    {
        // The 7B's load peak 6,610,332,032 is above its running cost up to 8448 tokens on the Pi 5 (8448:
        // 6,598,044,032), so a budget below the running cost at 8192 is below the load peak too and no
        // smaller context could help; ask for 16384 (the model allows 131072; a requested context is not
        // capped at the profile's maximum) with 7.0 GB usable, where the running cost is what limits.
        var budget = new MemoryBudget(AvailableBytes: 7_500_000_000, HeadroomBytes: 500_000_000, TotalBytes: 8_000_000_000, Kind: "RAM");

        MemoryPlan plan = MemoryPlanner.Plan(ModelShapes.Qwen7BInt4, Pi5, budget, WeightPlacement.CpuPrepacked, requestedContext: 16384);

        // Running on the Pi 5: fixed norms and biases 1,333,248 + 128 rows * 360,448 = 46,137,344
        // + 5,302,714,368 + 150,000,000 = 5,500,184,960; KV 114,688 per token; above 5138 tokens attention
        // is the activation peak: (4608 + 3584 + 7168 + 28 * context) * 4 * 128 = 7,864,320 + 14,336 per token.
        // So 5,508,049,280 + 129,024 per token: 16384 needs 7,621,978,496 (above the load peak: the total);
        // 11520 needs 5,508,049,280 + 1,486,356,480 = 6,994,405,760 and fits 7,000,000,000; 11776 needs
        // 7,027,435,904.
        Assert.False(plan.Fits);
        Assert.Equal(7_621_978_496, plan.Estimate.TotalBytes);
        Assert.Equal(
            "DeepSeek-R1-Distill-Qwen-7B-int4 needs 7.6 GB at context 16384, 7.0 GB available (7.5 GB free RAM minus 500 MB headroom): use a context of 11520 tokens or the DeepSeek-R1-Distill-Qwen-1.5B int4 model",
            plan.Refusal);
    }

    [Fact]
    public void TightMemory_PicksTheLargestContextThatFits_AndNotesIt()
    {
        // On the Pi 4 the 1.5B's load peak (1,617,889,664) is above its running cost at every context up to
        // the maximum 4096 (1,605,888,384), so a budget cannot pick a smaller one there; the Pi 5 (default
        // 4096, 128-token chunk) runs it at 4096 for 1,668,639,104, above the load peak.
        var budget = new MemoryBudget(AvailableBytes: 1_940_000_000, HeadroomBytes: 300_000_000, TotalBytes: 4_000_000_000, Kind: "RAM");

        MemoryPlan plan = MemoryPlanner.Plan(ModelShapes.Qwen15BInt4, Pi5, budget, WeightPlacement.CpuPrepacked, requestedContext: null);

        // Running: fixed 1,433,758,080 (see the 8 GB Pi 5 plan above) + 57,344 KV per token:
        // 3584 -> 1,639,278,976 fits 1.64e9 (and is above the load peak: the total); 3840 -> 1,653,959,040 does not.
        Assert.True(plan.Fits);
        Assert.Equal(3584, plan.Context);
        Assert.Equal(1_639_278_976, plan.Estimate.TotalBytes);
        Assert.Equal("context 3584 is below profile raspberry-pi-5's default 4096: memory is tight", plan.Note);
    }

    [Fact]
    public void BudgetBetweenTheRunningCostAndTheLoadPeak_IsRefusedWithTheLoadPeak()
    {
        // 1.48e9 usable: the 1.5B on the Pi 4 would run at 512 for 1,400,367,488 (the Pi 4 plan's 1,605,888,384
        // at 4096 less its KV 234,881,024, + 57,344 * 512 = 29,360,128), but loading it peaks at 1,617,889,664
        // (150,000,000 + prepacked 1,157,677,056 + scales 192,946,176 + lm_head's int4 source 116,686,848
        // + norms and biases 579,584): refused at the floor with the load peak; no smaller 1.5B model exists.
        var budget = new MemoryBudget(AvailableBytes: 1_780_000_000, HeadroomBytes: 300_000_000, TotalBytes: 3_000_000_000, Kind: "RAM");

        MemoryPlan plan = MemoryPlanner.Plan(ModelShapes.Qwen15BInt4, Pi4, budget, WeightPlacement.CpuPrepacked, requestedContext: null);

        Assert.False(plan.Fits);
        Assert.Equal(512, plan.Estimate.Context);
        Assert.Equal(1_400_367_488, plan.Estimate.RunningBytes);
        Assert.True(plan.Estimate.RunningBytes < budget.UsableBytes);
        Assert.Equal(1_617_889_664, plan.Estimate.LoadPeakBytes);
        Assert.Equal(1_617_889_664, plan.Estimate.TotalBytes);
        Assert.Equal(
            "DeepSeek-R1-Distill-Qwen-1.5B-int4 needs 1.6 GB even at context 512, 1.5 GB available (1.8 GB free RAM minus 300 MB headroom): use a smaller model or free some memory",
            plan.Refusal);
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
        // On the Pi 5, as in the tight-memory plan (on the Pi 4 the load peak would refuse every context).
        var budget = new MemoryBudget(AvailableBytes: 1_940_000_000, HeadroomBytes: 300_000_000, TotalBytes: 4_000_000_000, Kind: "RAM");

        MemoryPlan plan = MemoryPlanner.Plan(ModelShapes.Qwen15BInt4, Pi5, budget, WeightPlacement.CpuPrepacked, requestedContext: 4096);

        // 1,668,639,104 at 4096 (1,433,758,080 + 57,344 * 4096); 3584 fits as in the tight-memory plan.
        Assert.Equal(1_668_639_104, plan.Estimate.TotalBytes);
        Assert.Equal(
            "DeepSeek-R1-Distill-Qwen-1.5B-int4 needs 1.7 GB at context 4096, 1.6 GB available (1.9 GB free RAM minus 300 MB headroom): use a context of 3584 tokens",
            plan.Refusal);
    }

    [Fact]
    public void ContextLargerThanTheModels_IsRefused()
    {
        ModelFootprint shortModel = ModelShapes.Qwen15BInt4 with { MaxContext = 32768 };

        var error = Assert.Throws<EdgeLlmException>(() => MemoryPlanner.Plan(shortModel, Pi5, MemoryBudget.ForRam(Machines.RaspberryPi5.Memory, Pi5), WeightPlacement.CpuPrepacked, requestedContext: 65536));

        Assert.Equal("context 65536 is larger than DeepSeek-R1-Distill-Qwen-1.5B-int4's maximum context 32768", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void NonPositiveContext_IsRefused(int context)
    {
        var error = Assert.Throws<EdgeLlmException>(() => MemoryPlanner.Plan(ModelShapes.Qwen15BInt4, Pi5, MemoryBudget.ForRam(Machines.RaspberryPi5.Memory, Pi5), WeightPlacement.CpuPrepacked, context));

        Assert.Equal($"context {context} is not a positive number of tokens", error.Message);
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
