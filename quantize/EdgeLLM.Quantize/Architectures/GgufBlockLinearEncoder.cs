using EdgeLLM.Quantize.Checkpoints;
using EdgeLLM.Quantize.Gguf;
using EdgeLLM.Quantize.Onnx;
using EdgeLLM.Quantize.Quantizers;
using DataType = EdgeLLM.Quantize.Onnx.Proto.TensorProto.Types.DataType;

namespace EdgeLLM.Quantize.Architectures;

/// <summary>
/// Linear weights of a GGUF import whose tensors are ggml blocks go into MatMulNBits as they are stored
/// (<see cref="GgufMatMulNBitsTarget"/>, <see cref="GgufBlockRepacker"/>): no dequantize/requantize round
/// trip. Everything else — float tensors, embeddings (Gather or GatherBlockQuantized at the asked
/// precision, widened from the blocks), a tied lm_head — goes to the asked precision's encoder.
/// </summary>
internal sealed class GgufBlockLinearEncoder : ILinearWeightEncoder
{
    private readonly ILinearWeightEncoder fallback;
    private readonly int accuracyLevel;
    private readonly DataType activation;
    private readonly List<QuantizedTensor> carried = [];
    private readonly Dictionary<string, string> storedAs = new(StringComparer.Ordinal);

    public GgufBlockLinearEncoder(ILinearWeightEncoder fallback, int accuracyLevel, DataType activation)
    {
        this.fallback = fallback;
        this.accuracyLevel = accuracyLevel;
        this.activation = activation;
    }

    /// <summary>
    /// As edgellm.json spells precisions: int4 when every carried weight is 4-bit, int8 when one is 8-bit,
    /// the asked precision when none was carried (source.stored_as in edgellm.json has the detail).
    /// </summary>
    public string Precision => carried.Count == 0 ? fallback.Precision : carried.All(tensor => tensor.Options.Bits == 4) ? "int4" : "int8";

    public IReadOnlyList<QuantizedTensor> Quantized => [.. carried, .. fallback.Quantized];

    /// <summary>For each ggml type carried as blocks, the layouts it went into.</summary>
    public IReadOnlyDictionary<string, string> StoredAs => storedAs;

    public string Linear(GraphBuilder graph, string input, LinearWeight weight, string? output = null)
    {
        var decoders = weight.Parts.Select(part => part.Decoder as GgufTensorDecoder).ToArray();
        if (decoders.Any(decoder => decoder is null))
        {
            return fallback.Linear(graph, input, weight, output);
        }

        GgufMatMulNBitsTarget? target = GgufMatMulNBitsTarget.For(decoders.Select(decoder => decoder!.Tensor.Type).Distinct().ToArray());
        if (target is null || weight.InFeatures % target.BlockSize != 0)
        {
            return fallback.Linear(graph, input, weight, output);
        }

        var layout = new MatMulNBitsLayout(weight.OutFeatures, checked((int)weight.InFeatures), target.Bits, target.BlockSize);
        var scales = new float[layout.ScaleCount];
        byte[]? zeroPoints = target.ZeroPoints ? new byte[layout.ZeroPointByteCount] : null;
        var error = new QuantizationError();
        var repacker = new GgufBlockRepacker(target);
        string packed = graph.Initializer($"{weight.Name}.MatMulNBits.qweight", DataType.Uint8, layout.PackedShape, writer =>
        {
            var rowBuffer = new byte[layout.PackedRowBytes];
            long row = 0;
            foreach (GgufTensorDecoder decoder in decoders.Select(decoder => decoder!))
            {
                for (long local = 0; local < decoder.Tensor.RowCount; local++, row++)
                {
                    Array.Clear(rowBuffer);
                    repacker.Repack(decoder.Tensor.Type, decoder.RowBytes(local), layout.ColumnCount, rowBuffer,
                        scales.AsSpan(checked((int)(row * layout.BlockCount)), layout.BlockCount),
                        zeroPoints is null ? Span<byte>.Empty : zeroPoints.AsSpan(checked((int)(row * layout.ZeroPointRowBytes)), layout.ZeroPointRowBytes),
                        error);
                    writer.Write(rowBuffer);
                }
            }
        });
        string scaleName = graph.Initializer($"{weight.Name}.MatMulNBits.scales", activation, layout.ScaleShape,
            writer => FloatTensorEncoding.Write(writer, scales, activation));
        string? zeroPointName = zeroPoints is null ? null
            : graph.Initializer($"{weight.Name}.MatMulNBits.qzeros", DataType.Uint8, layout.ZeroPointShape, writer => writer.Write(zeroPoints));
        foreach (GgmlType type in decoders.Select(decoder => decoder!.Tensor.Type).Distinct())
        {
            string description = target.ToString();
            storedAs[type.ToString()] = storedAs.TryGetValue(type.ToString(), out string? existing) && !existing.Contains(description, StringComparison.Ordinal)
                ? $"{existing}; {description}"
                : existing ?? description;
        }

        carried.Add(new QuantizedTensor(weight.Name, new BlockQuantizationOptions(target.Bits, target.BlockSize, target.ZeroPoints, ScaleChoice.RoundToNearest), layout, scales, zeroPoints, error));
        string name = $"{weight.Name}/MatMulNBits";
        return graph.Node(
            "MatMulNBits",
            name,
            zeroPointName is null ? [input, packed, scaleName] : [input, packed, scaleName, zeroPointName],
            [output ?? $"{name}/output_0"],
            GraphBuilder.MicrosoftDomain,
            NodeAttribute.Int("K", layout.ColumnCount),
            NodeAttribute.Int("N", layout.RowCount),
            NodeAttribute.Int("bits", layout.Bits),
            NodeAttribute.Int("block_size", layout.BlockSize),
            NodeAttribute.Int("accuracy_level", accuracyLevel))[0];
    }

    public string Embedding(GraphBuilder graph, string inputIds, LinearWeight embedding) => fallback.Embedding(graph, inputIds, embedding);

    public string TiedLmHead(GraphBuilder graph, string input, LinearWeight embedding, string output) => fallback.TiedLmHead(graph, input, embedding, output);
}
