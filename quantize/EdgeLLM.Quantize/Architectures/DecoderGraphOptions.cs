namespace EdgeLLM.Quantize.Architectures;

/// <summary>Choices that shape the decoder graph (not the weights).</summary>
/// <param name="ContextLength">Rows of the RoPE cache: the longest context the graph serves.</param>
/// <param name="LastPositionLogitsOnly">lm_head on the last position only: logits <c>[batch, 1, vocab]</c>.</param>
/// <param name="Rotary">Where RoPE is applied; <see cref="RotaryPlacement.Auto"/> picks by head size.</param>
/// <param name="Target">The provider the graph is shaped for: <see cref="GraphTarget.DirectML"/> computes in fp16
/// (I/O included), keeps q, k and v apart and rotates outside GroupQueryAttention.</param>
internal sealed record DecoderGraphOptions(int ContextLength, bool LastPositionLogitsOnly, RotaryPlacement Rotary, GraphTarget Target = GraphTarget.Cpu)
{
    /// <summary>Element type of activations, KV cache and logits: fp16 for DirectML, else fp32.</summary>
    public Onnx.Proto.TensorProto.Types.DataType ActivationType => Target == GraphTarget.DirectML
        ? Onnx.Proto.TensorProto.Types.DataType.Float16
        : Onnx.Proto.TensorProto.Types.DataType.Float;
}
