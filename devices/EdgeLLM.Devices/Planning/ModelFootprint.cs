using EdgeLLM.Format.ModelFolder;

namespace EdgeLLM.Devices.Planning;

/// <summary>
/// The shape and size of a converted model, as the memory planner needs them (read from the
/// model folder's edgellm.json by <see cref="ModelManifestReader"/>, <see cref="Read"/>).
/// </summary>
/// <param name="Name">The model's name (or its folder's).</param>
/// <param name="Precision">MatMul weight precision.</param>
/// <param name="QuantizationBlockSize">Elements per quantization block along K (32 by default).</param>
/// <param name="WeightBytes">Bytes of all weight files (graph + external data).</param>
/// <param name="LayerCount">Decoder layers.</param>
/// <param name="HeadCount">Query heads.</param>
/// <param name="KvHeadCount">Key/value heads.</param>
/// <param name="HeadDim">Elements per head.</param>
/// <param name="HiddenSize">Residual width.</param>
/// <param name="IntermediateSize">MLP width.</param>
/// <param name="VocabSize">Rows of the embedding and lm_head.</param>
/// <param name="MaxContext">The longest context the model supports.</param>
/// <param name="TiedEmbeddings">True when the embedding is gathered from the quantized lm_head (no fp32 table).</param>
public sealed record ModelFootprint(
    string Name,
    WeightPrecision Precision,
    int QuantizationBlockSize,
    long WeightBytes,
    int LayerCount,
    int HeadCount,
    int KvHeadCount,
    int HeadDim,
    int HiddenSize,
    int IntermediateSize,
    int VocabSize,
    int MaxContext,
    bool TiedEmbeddings)
{
    /// <summary>Elements per block when the manifest names none (fp32/fp16 models).</summary>
    public const int DefaultBlockSize = 32;

    /// <summary>The footprint of the model in <paramref name="modelFolder"/>, named after the folder.</summary>
    public static ModelFootprint Read(string modelFolder)
    {
        ArgumentNullException.ThrowIfNull(modelFolder);
        return Of(ModelManifestReader.Read(modelFolder), Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(modelFolder))));
    }

    /// <summary>The footprint a read edgellm.json describes.</summary>
    public static ModelFootprint Of(ModelManifestInfo manifest, string name)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ManifestQuantization? quantization = manifest.Quantization;
        return new ModelFootprint(
            name, manifest.Weights, quantization?.BlockSize ?? DefaultBlockSize, manifest.WeightBytes, manifest.LayerCount, manifest.HeadCount,
            manifest.KvHeadCount, manifest.HeadDim, manifest.HiddenSize, manifest.IntermediateSize, manifest.VocabSize, manifest.MaxContext,
            manifest.TiedEmbeddings)
        {
            LmHeadPrecision = quantization?.LmHead,
            EmbeddingPrecision = quantization?.Embeddings,
            LastPositionLogitsOnly = manifest.LastPositionLogitsOnly,
            MlpBlockSize = quantization?.MlpBlockSize,
            LmHeadBlockSize = quantization?.LmHeadBlockSize,
        };
    }

    /// <summary>lm_head's precision when it differs from the layers' (edgellm.json quantization.lm_head); null: <see cref="Precision"/>.</summary>
    public WeightPrecision? LmHeadPrecision { get; init; }

    /// <summary>An untied embedding table's precision (quantization.embeddings); null: fp16 for fp16 models, else fp32.</summary>
    public WeightPrecision? EmbeddingPrecision { get; init; }

    /// <summary>The MLP projections' block size when it differs (quantization.mlp_block_size); null: <see cref="QuantizationBlockSize"/>.</summary>
    public int? MlpBlockSize { get; init; }

    /// <summary>lm_head's block size when it differs (quantization.lm_head_block_size); null: <see cref="QuantizationBlockSize"/>.</summary>
    public int? LmHeadBlockSize { get; init; }

    /// <summary>True when the graph computes logits for the last position only (edgellm.json "logits": "last").</summary>
    public bool LastPositionLogitsOnly { get; init; }

    /// <summary>lm_head's precision, resolved.</summary>
    public WeightPrecision LmHeadWeights => LmHeadPrecision ?? Precision;

    /// <summary>The untied embedding table's precision, resolved.</summary>
    public WeightPrecision EmbeddingWeights => EmbeddingPrecision ?? (Precision == WeightPrecision.Fp16 ? WeightPrecision.Fp16 : WeightPrecision.Fp32);

    /// <summary>Weights of the decoder layers' attention MatMuls: q, k, v and o.</summary>
    public long AttentionMatMulParameterCount
        => LayerCount * ((long)HiddenSize * (HeadCount + 2L * KvHeadCount) * HeadDim + (long)HeadCount * HeadDim * HiddenSize);

    /// <summary>Weights of the decoder layers' MLP MatMuls: gate, up and down.</summary>
    public long MlpMatMulParameterCount => LayerCount * 3L * HiddenSize * IntermediateSize;

    /// <summary>Weights of the decoder layers' MatMuls: q, k, v, o and gate, up, down.</summary>
    public long LayerMatMulParameterCount => AttentionMatMulParameterCount + MlpMatMulParameterCount;

    /// <summary>Weights of lm_head.</summary>
    public long LmHeadParameterCount => (long)VocabSize * HiddenSize;

    /// <summary>Weights of the MatMuls: the layers' and lm_head.</summary>
    public long MatMulParameterCount => LayerMatMulParameterCount + LmHeadParameterCount;

    /// <summary>Elements of the token embedding table.</summary>
    public long EmbeddingParameterCount => (long)VocabSize * HiddenSize;

    /// <summary>All parameters (a tied table is counted once).</summary>
    public long ParameterCount => MatMulParameterCount + (TiedEmbeddings ? 0 : EmbeddingParameterCount);

    /// <summary>KV cache bytes per token of context at that element size.</summary>
    public long KvBytesPerToken(int bytesPerElement) => 2L * LayerCount * KvHeadCount * HeadDim * bytesPerElement;
}
