namespace EdgeLLM.Quantize.Architectures;

/// <summary>Choices that shape the decoder graph (not the weights).</summary>
/// <param name="ContextLength">Rows of the RoPE cache: the longest context the graph serves.</param>
/// <param name="LastPositionLogitsOnly">lm_head on the last position only: logits <c>[batch, 1, vocab]</c>.</param>
/// <param name="Rotary">Where RoPE is applied; <see cref="RotaryPlacement.Auto"/> picks by head size.</param>
internal sealed record DecoderGraphOptions(int ContextLength, bool LastPositionLogitsOnly, RotaryPlacement Rotary);
