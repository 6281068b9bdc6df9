using EdgeLLM.Devices.Planning;
using EdgeLLM.Devices.Profiles;

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
        Assert.Equal(1_794_140_544, estimate.TotalBytes);
    }

    [Theory]
    [InlineData(1024, 92_854_272, 58_720_256, 39_845_888, 1_615_784_320)]
    [InlineData(4096, 92_854_272, 234_881_024, 57_147_392, 1_809_246_592)]
    public void Qwen15B_AsQuantizeWritesIt_Int8LmHeadAndLastPositionLogits(int context, long mapped, long kvCache, long activations, long total)
    {
        // 'edgellm quantize --precision int4 --logits last': layers int4, lm_head int8 (233,373,696 weights:
        // 233,373,696 + 7,292,928 blocks * 4 = 262,545,408 bytes instead of int4's 145,858,560), so
        // weight bytes 1,898,805,248 + 116,686,848 = 2,015,492,096.
        ModelFootprint model = ModelShapes.Qwen15BInt4 with { WeightBytes = 2_015_492_096, LmHeadPrecision = ModelPrecision.Int8, LastPositionLogitsOnly = true };

        MemoryEstimate estimate = MemoryPlanner.Estimate(model, context, prefillChunk: 256, KvPrecision.Fp32, WeightPlacement.CpuPrepacked);

        // Mapped: 2,015,492,096 - released B and scales (layers 1,310,195,712 / 2 + 40,943,616 blocks * 4
        // = 818,872,320; lm_head 233,373,696 + 7,292,928 * 4 = 262,545,408) - the 933,494,784-byte fp32
        // embedding = 579,584 (norms, biases), plus one 256-token chunk of embedding rows:
        // 256 * 360,448 = 92,274,688 -> 92,854,272 at either context.
        Assert.Equal(mapped, estimate.MappedWeightBytes);

        // Prepacked: layers 655,097,856 + 40,943,616 blocks * 8 = 982,646,784; lm_head 233,373,696 + 7,292,928 * 8 = 291,717,120.
        Assert.Equal(1_274_363_904, estimate.PackedWeightBytes);
        Assert.Equal(kvCache, estimate.KvCacheBytes); // 57,344 bytes per token

        // lm_head runs on one row: (155,008 + 255) / 256 = 606 floats per token, below the MLP's 38,912;
        // at 1024 the MLP is the peak (38,912 * 4 * 256 = 39,845,888), at 4096 attention
        // (2048 + 1536 + 3072 + 12 * 4096 = 55,808 floats: 57,147,392).
        Assert.Equal(activations, estimate.ActivationBytes);
        Assert.Equal(total, estimate.TotalBytes);
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

        Assert.Equal(6_179_137_920, estimate.TotalBytes);
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
