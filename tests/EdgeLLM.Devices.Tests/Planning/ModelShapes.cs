using EdgeLLM.Devices.Planning;
using EdgeLLM.Format.ModelFolder;

namespace EdgeLLM.Devices.Tests.Planning;

/// <summary>
/// The two DeepSeek-R1-Distill-Qwen shapes converted to int4 (block 32, fp32 scale per block, no zero
/// points; MatMuls quantized, lm_head included; fp32 embeddings, norms and biases), weight bytes
/// computed by hand.
/// </summary>
internal static class ModelShapes
{
    // 1.5B: hidden 1536, 28 layers, 12 heads, 2 KV heads, head_dim 128, intermediate 8960, vocab 151936.
    // MatMul weights per layer:
    //   q 1536*1536 = 2,359,296; k and v 1536*256 = 393,216 each; o 1536*1536 = 2,359,296
    //   gate, up, down 3*1536*8960 = 41,287,680
    //   sum 46,792,704; * 28 layers = 1,310,195,712; + lm_head 151936*1536 = 233,373,696
    //   = 1,543,569,408 MatMul weights = 48,236,544 blocks of 32.
    // int4 bytes: 1,543,569,408 / 2 = 771,784,704 + 48,236,544 * 4 (scales) = 192,946,176 -> 964,730,880
    //   (= weights * (0.5 + 4/32)).
    // fp32 embedding 151936*1536*4 = 933,494,784; norms (2*28 + 1)*1536*4 = 350,208;
    // q/k/v biases (1536 + 256 + 256)*28*4 = 229,376.
    // Total 964,730,880 + 933,494,784 + 350,208 + 229,376 = 1,898,805,248 bytes.
    public const long Qwen15BWeightBytes = 1_898_805_248;

    // 7B: hidden 3584, 28 layers, 28 heads, 4 KV heads, head_dim 128, intermediate 18944, vocab 152064.
    //   q 3584*3584 = 12,845,056; k and v 3584*512 = 1,835,008 each; o 12,845,056
    //   gate, up, down 3*3584*18944 = 203,685,888
    //   sum 233,046,016; * 28 = 6,525,288,448; + lm_head 152064*3584 = 544,997,376
    //   = 7,070,285,824 MatMul weights = 220,946,432 blocks.
    // int4: 3,535,142,912 + 220,946,432 * 4 = 883,785,728 -> 4,418,928,640.
    // fp32 embedding 152064*3584*4 = 2,179,989,504; norms (2*28 + 1)*3584*4 = 817,152;
    // biases (3584 + 512 + 512)*28*4 = 516,096.
    // Total 4,418,928,640 + 2,179,989,504 + 817,152 + 516,096 = 6,600,251,392 bytes.
    public const long Qwen7BWeightBytes = 6_600_251_392;

    // 1.5B with a block size per part ('edgellm quantize --precision int4' with MLP blocks of 64 and an
    // int8 lm_head in blocks of 256):
    //   attention q, k, v, o: 5,505,024 per layer * 28 = 154,140,672 weights = 4,816,896 blocks of 32
    //     -> 77,070,336 + 4,816,896 * 4 = 19,267,584 -> 96,337,920 bytes;
    //   MLP gate, up, down: 41,287,680 * 28 = 1,156,055,040 weights = 18,063,360 blocks of 64
    //     -> 578,027,520 + 18,063,360 * 4 = 72,253,440 -> 650,280,960 bytes;
    //   lm_head int8: 233,373,696 weights = 911,616 blocks of 256 -> 233,373,696 + 3,646,464 = 237,020,160 bytes.
    // Total 96,337,920 + 650,280,960 + 237,020,160 + fp32 embedding 933,494,784 + norms 350,208
    // + biases 229,376 = 1,917,713,408 bytes.
    public const long Qwen15BMixedBlocksWeightBytes = 1_917_713_408;

    public static ModelFootprint Qwen15BInt4 { get; } = new(
        "DeepSeek-R1-Distill-Qwen-1.5B-int4", WeightPrecision.Int4, 32, Qwen15BWeightBytes,
        LayerCount: 28, HeadCount: 12, KvHeadCount: 2, HeadDim: 128, HiddenSize: 1536, IntermediateSize: 8960, VocabSize: 151936, MaxContext: 131072, TiedEmbeddings: false);

    public static ModelFootprint Qwen7BInt4 { get; } = new(
        "DeepSeek-R1-Distill-Qwen-7B-int4", WeightPrecision.Int4, 32, Qwen7BWeightBytes,
        LayerCount: 28, HeadCount: 28, KvHeadCount: 4, HeadDim: 128, HiddenSize: 3584, IntermediateSize: 18944, VocabSize: 152064, MaxContext: 131072, TiedEmbeddings: false);

    public static ModelFootprint Qwen15BMixedBlocks { get; } = Qwen15BInt4 with
    {
        WeightBytes = Qwen15BMixedBlocksWeightBytes,
        MlpBlockSize = 64,
        LmHeadPrecision = WeightPrecision.Int8,
        LmHeadBlockSize = 256,
        EmbeddingPrecision = WeightPrecision.Fp32,
    };
}
