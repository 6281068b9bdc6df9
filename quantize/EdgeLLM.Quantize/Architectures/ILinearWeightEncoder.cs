using EdgeLLM.Quantize.Onnx;
using EdgeLLM.Quantize.Quantizers;

namespace EdgeLLM.Quantize.Architectures;

/// <summary>
/// How a precision stores the decoder's large weights and emits the ops that use them: the seam
/// between the decoder recipe (<see cref="DecoderGraph"/>) and the weight format. fp32/fp16 store
/// plain matrices (<see cref="FloatLinearEncoder"/>); a quantizer adds MatMulNBits (and
/// GatherBlockQuantized for tied embeddings) behind the same calls. Activations are fp32 in and out.
/// One instance serves one conversion (it may remember what it stored, e.g. the embedding).
/// </summary>
internal interface ILinearWeightEncoder
{
    /// <summary>The precision as recorded in edgellm.json ("fp32", "fp16", ...).</summary>
    string Precision { get; }

    /// <summary>Every weight block-quantized so far, with its error (empty for float precisions).</summary>
    IReadOnlyList<QuantizedTensor> Quantized { get; }

    /// <summary>Emits <c>output = input · Wᵀ</c> for a Hugging Face Linear weight <c>W [out, in]</c>; returns the output name.</summary>
    string Linear(GraphBuilder graph, string input, LinearWeight weight, string? output = null);

    /// <summary>Emits the token embedding lookup of <paramref name="inputIds"/> (fp32 <c>[batch, seq, hidden]</c>); returns its name.</summary>
    string Embedding(GraphBuilder graph, string inputIds, LinearWeight embedding);

    /// <summary>
    /// Emits lm_head for tied embeddings, reusing the weights <see cref="Embedding"/> stored (one copy):
    /// <c>output = input · Eᵀ</c>, fp32 <c>[batch, seq, vocab]</c>.
    /// </summary>
    string TiedLmHead(GraphBuilder graph, string input, LinearWeight embedding, string output);
}
