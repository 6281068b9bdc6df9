namespace EdgeLLM.Runtime.Engines.Cpu;

/// <summary>
/// Sees the rows every decoder Linear layer reads, as the <see cref="CpuEngine"/> hands them to the kernel (a
/// calibration run collects per-channel activation statistics this way), and the final norm's output that lm_head
/// reads. Called on the forward pass's thread, once per layer and input per pass: the rows are the engine's own
/// buffers, valid only during the call. While an observer is set every token of a pass runs every layer.
/// </summary>
public interface ILinearInputObserver
{
    /// <param name="layer">Decoder layer index.</param>
    /// <param name="input">Which Linear layers read <paramref name="rows"/>.</param>
    /// <param name="rows">Token rows × the layers' input features.</param>
    void Observe(int layer, LinearInput input, ReadOnlySpan<float> rows);

    /// <summary>The final norm's output for every token of the pass: what lm_head reads.</summary>
    /// <param name="rows">Token rows × the hidden size.</param>
    void ObserveLmHeadInput(ReadOnlySpan<float> rows);
}
