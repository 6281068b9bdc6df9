using DataType = EdgeLLM.Quantize.Onnx.Proto.TensorProto.Types.DataType;
using EdgeLLM.Format.ModelFolder;
using EdgeLLM.Format;
using EdgeLLM.Quantize.Quantizers;

namespace EdgeLLM.Quantize.Architectures;

/// <summary>Picks the <see cref="ILinearWeightEncoder"/> of a precision (one new instance per conversion).</summary>
internal static class LinearWeightEncoders
{
    /// <param name="activation">The type the graph computes in (Float; Float16 for the DirectML target).</param>
    /// <param name="layerCount">Decoder layers: the per-tensor rules pick layers by their position in the model.</param>
    /// <param name="importance">Input-channel importance weighting the quantizers' scale search, or null.</param>
    public static ILinearWeightEncoder Create(WeightPrecision precision, QuantizationSettings quantization, bool tiedEmbeddings, DataType activation, int layerCount, ChannelImportance? importance = null) => precision switch
    {
        WeightPrecision.Fp32 => new FloatLinearEncoder(DataType.Float, activation),
        WeightPrecision.Fp16 => new FloatLinearEncoder(DataType.Float16, activation),
        WeightPrecision.Int4 or WeightPrecision.Int8 => new MatMulNBitsLinearEncoder(quantization with { Bits = precision.QuantizedBits()!.Value }, tiedEmbeddings, activation, layerCount, importance),
        _ => throw new EdgeLlmException($"precision {precision} has no weight encoder"),
    };
}
