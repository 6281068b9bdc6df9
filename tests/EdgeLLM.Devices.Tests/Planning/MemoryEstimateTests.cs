using EdgeLLM.Devices.Planning;
using EdgeLLM.Devices.Profiles;
using EdgeLLM.Format.ModelFolder;

namespace EdgeLLM.Devices.Tests.Planning;

/// <summary>The planner's figures against hand-computed ones (calibration constants as in PlannerCalibration).</summary>
public sealed class MemoryEstimateTests
{
    [Fact]
    public void Footprints_CountTheParametersOfTheRealModels()
    {
        Assert.Equal(1_543_569_408, ModelShapes.Qwen15BInt4.MatMulParameterCount);
        Assert.Equal(1_776_943_104, ModelShapes.Qwen15BInt4.ParameterCount); // + 233,373,696 embedding rows
        Assert.Equal(7_070_285_824, ModelShapes.Qwen7BInt4.MatMulParameterCount);
        Assert.Equal(7_615_283_200, ModelShapes.Qwen7BInt4.ParameterCount);   // + 544,997,376
    }

    [Fact]
    public void Qwen15BInt4_At4096Tokens_Chunk256()
    {
        MemoryEstimate estimate = MemoryPlanner.Estimate(ModelShapes.Qwen15BInt4, context: 4096, prefillChunk: 256, KvPrecision.Fp32, WeightPlacement.CpuPrepacked);

        // Mapped: norms + biases 350,208 + 229,376 = 579,584 (the MatMulNBits scales, 48,236,544 * 4 bytes,
        // leave memory after loading on Linux); embedding rows of one 256-token chunk * 360,448 bytes
        // = 92,274,688 -> 92,854,272.
        Assert.Equal(92_854_272, estimate.MappedWeightBytes);

        // Prepacked: 771,784,704 packed nibbles + 48,236,544 blocks * (4 scale + 4 block sum) = 385,892,352 -> 1,157,677,056.
        Assert.Equal(1_157_677_056, estimate.PackedWeightBytes);

        // KV: 2 * 28 layers * 2 heads * 128 * 4 bytes = 57,344 per token * 4096 = 234,881,024.
        Assert.Equal(234_881_024, estimate.KvCacheBytes);

        // Activations per token (floats): lm_head 151,936 + 2*1536 = 155,008; MLP 4*8960 + 3072 = 38,912;
        // attention (12+4)*128 + 12*128 + 3072 + 12*4096 = 55,808. Peak 155,008 * 4 bytes * 256 tokens
        // = 158,728,192 (arena factor 1.0).
        Assert.Equal(158_728_192, estimate.ActivationBytes);

        Assert.Equal(150_000_000, estimate.RuntimeBytes);
        Assert.Equal(1_794_140_544, estimate.RunningBytes);

        // Load peak: runtime 150,000,000 + prepacked 1,157,677,056 + every scale 48,236,544 * 4 = 192,946,176
        // (read before the runtime drops them) + lm_head's int4 source 233,373,696 / 2 = 116,686,848 + norms and
        // biases 579,584 = 1,617,889,664, below the running cost: the running cost is the total.
        Assert.Equal(1_617_889_664, estimate.LoadPeakBytes);
        Assert.Equal(1_794_140_544, estimate.TotalBytes);
    }

    [Theory]
    [InlineData(1024, 58_720_256, 39_845_888, 1_564_733_824)]
    [InlineData(4096, 234_881_024, 57_147_392, 1_758_196_096)]
    public void Qwen15B_AsQuantizeWritesIt_Int8LmHeadAndLastPositionLogits(int context, long kvCache, long activations, long running)
    {
        // 'edgellm quantize --precision int4 --logits last': layers int4 in blocks of 32, lm_head int8 in blocks
        // of 256 (233,373,696 weights: 233,373,696 + 911,616 blocks * 4 = 237,020,160 bytes instead of int4's
        // 145,858,560), so weight bytes 1,898,805,248 + 91,161,600 = 1,989,966,848.
        ModelFootprint model = ModelShapes.Qwen15BInt4 with
        {
            WeightBytes = 1_989_966_848, LmHeadPrecision = WeightPrecision.Int8, LmHeadBlockSize = 256, LastPositionLogitsOnly = true,
        };

        MemoryEstimate estimate = MemoryPlanner.Estimate(model, context, prefillChunk: 256, KvPrecision.Fp32, WeightPlacement.CpuPrepacked);

        // Mapped: 1,989,966,848 - released B and scales (layers 1,310,195,712 / 2 + 40,943,616 blocks * 4
        // = 818,872,320; lm_head 237,020,160) - the 933,494,784-byte fp32 embedding = 579,584 (norms, biases),
        // plus one 256-token chunk of embedding rows: 256 * 360,448 = 92,274,688 -> 92,854,272 at either context.
        Assert.Equal(92_854_272, estimate.MappedWeightBytes);

        // Prepacked: layers 655,097,856 + 40,943,616 blocks * 8 = 982,646,784; lm_head 233,373,696 + 911,616 * 8 = 240,666,624.
        Assert.Equal(1_223_313_408, estimate.PackedWeightBytes);
        Assert.Equal(kvCache, estimate.KvCacheBytes); // 57,344 bytes per token

        // lm_head runs on one row: (155,008 + 255) / 256 = 606 floats per token, below the MLP's 38,912;
        // at 1024 the MLP is the peak (38,912 * 4 * 256 = 39,845,888), at 4096 attention
        // (2048 + 1536 + 3072 + 12 * 4096 = 55,808 floats: 57,147,392).
        Assert.Equal(activations, estimate.ActivationBytes);

        // Running: 92,854,272 + 1,223,313,408 + KV + activations + 150,000,000.
        Assert.Equal(running, estimate.RunningBytes);

        // Load peak: 150,000,000 + prepacked 1,223,313,408 + every scale (40,943,616 + 911,616 blocks) * 4
        // = 167,420,928 + lm_head's int8 source 233,373,696 + norms and biases 579,584 = 1,774,687,616,
        // above the running cost at both contexts (at 4096 by 16,491,520): the load peak is the total.
        Assert.Equal(1_774_687_616, estimate.LoadPeakBytes);
        Assert.Equal(1_774_687_616, estimate.TotalBytes);
    }

    [Fact]
    public void Qwen7BInt4_At4096Tokens_Chunk256()
    {
        MemoryEstimate estimate = MemoryPlanner.Estimate(ModelShapes.Qwen7BInt4, context: 4096, prefillChunk: 256, KvPrecision.Fp32, WeightPlacement.CpuPrepacked);

        // Mapped: norms 817,152 + biases 516,096 (scales leave memory after loading) + 256 * 360,448 = 92,274,688 -> 93,607,936.
        Assert.Equal(93_607_936, estimate.MappedWeightBytes);

        // Prepacked: 3,535,142,912 + 220,946,432 * 8 = 1,767,571,456 -> 5,302,714,368.
        Assert.Equal(5_302_714_368, estimate.PackedWeightBytes);

        // KV: 2 * 28 * 4 * 128 * 4 = 114,688 per token * 4096 = 469,762,048.
        Assert.Equal(469_762_048, estimate.KvCacheBytes);

        // Per token: lm_head 152,064 + 7168 = 159,232 (MLP 82,944; attention 4608 + 3584 + 7168 + 114,688 = 130,048).
        // 159,232 * 4 * 256 = 163,053,568.
        Assert.Equal(163_053_568, estimate.ActivationBytes);

        Assert.Equal(6_179_137_920, estimate.RunningBytes);

        // Load peak: 150,000,000 + prepacked 5,302,714,368 + every scale 220,946,432 * 4 = 883,785,728
        // + lm_head's int4 source 544,997,376 / 2 = 272,498,688 + norms and biases 1,333,248 = 6,610,332,032,
        // above the running cost: the load peak is the total.
        Assert.Equal(6_610_332_032, estimate.LoadPeakBytes);
        Assert.Equal(6_610_332_032, estimate.TotalBytes);
    }

    [Fact]
    public void Qwen15B_WithABlockSizePerPart_CountsEachPartAtItsOwn()
    {
        // Attention int4 in blocks of 32, MLP int4 in blocks of 64, lm_head int8 in blocks of 256 (ModelShapes).
        MemoryEstimate estimate = MemoryPlanner.Estimate(ModelShapes.Qwen15BMixedBlocks, context: 4096, prefillChunk: 256, KvPrecision.Fp32, WeightPlacement.CpuPrepacked);

        // Prepacked: attention 96,337,920 + 4,816,896 blocks * 4 (block sum) = 115,605,504; MLP 650,280,960
        // + 18,063,360 * 4 = 722,534,400; lm_head 237,020,160 + 911,616 * 4 = 240,666,624 -> 1,078,806,528.
        Assert.Equal(1_078_806_528, estimate.PackedWeightBytes);

        // Mapped: 1,917,713,408 - released B and scales (96,337,920 + 650,280,960 + 237,020,160 = 983,639,040;
        // the scales leave memory after loading on Linux) - the 933,494,784-byte fp32 embedding = 579,584
        // (norms, biases), plus 256 rows * 360,448 = 92,274,688 -> 92,854,272. Counting the MLP in blocks of
        // 32 would release 722,534,400 for it and leave nothing but the rows (92,274,688).
        Assert.Equal(92_854_272, estimate.MappedWeightBytes);

        // + KV 234,881,024 + lm_head's 155,008 * 4 * 256 = 158,728,192 + 150,000,000 = 1,715,270,016.
        Assert.Equal(1_715_270_016, estimate.RunningBytes);

        // Load peak: 150,000,000 + prepacked 1,078,806,528 + every scale, each part at its own block size
        // ((4,816,896 + 18,063,360 + 911,616) blocks * 4 = 95,167,488) + lm_head's int8 source 233,373,696
        // + norms and biases 579,584 = 1,557,927,296, below the running cost: the running cost is the total.
        // (Scales in blocks of 32 throughout would have counted 48,236,544 * 4 = 192,946,176.)
        Assert.Equal(1_557_927_296, estimate.LoadPeakBytes);
        Assert.Equal(1_715_270_016, estimate.TotalBytes);
    }

    [Fact]
    public void LongContext_AttentionScoresOutgrowTheLogits()
    {
        // At 16384 tokens GroupQueryAttention's scores take 12 heads * 16384 = 196,608 floats per prompt token,
        // above lm_head's 155,008: (2048 + 1536 + 3072 + 196,608) * 4 * 64 = 52,035,584.
        MemoryEstimate estimate = MemoryPlanner.Estimate(ModelShapes.Qwen15BInt4, context: 16384, prefillChunk: 64, KvPrecision.Fp32, WeightPlacement.CpuPrepacked);

        Assert.Equal(52_035_584, estimate.ActivationBytes);
    }

    [Fact]
    public void Fp16KvCache_HalvesTheCache()
    {
        MemoryEstimate fp32 = MemoryPlanner.Estimate(ModelShapes.Qwen7BInt4, 8192, 512, KvPrecision.Fp32, WeightPlacement.Gpu);
        MemoryEstimate fp16 = MemoryPlanner.Estimate(ModelShapes.Qwen7BInt4, 8192, 512, KvPrecision.Fp16, WeightPlacement.Gpu);

        Assert.Equal(939_524_096, fp32.KvCacheBytes);  // 114,688 * 8192
        Assert.Equal(469_762_048, fp16.KvCacheBytes);
        Assert.Equal(ModelShapes.Qwen7BWeightBytes, fp16.PackedWeightBytes); // the file's bytes go to the device
        Assert.Equal(0, fp16.MappedWeightBytes);
    }
}
