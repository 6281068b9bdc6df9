using System.Globalization;

namespace EdgeLLM.Quantize.Quantizers;

/// <summary>
/// The error of a whole quantized model in one line: every tensor's weights pooled (RMS relative to the
/// weights' RMS) and the tensor with the largest absolute error.
/// </summary>
public sealed class QuantizationReport
{
    private QuantizationReport(IReadOnlyList<QuantizedTensor> tensors, QuantizationError total, QuantizedTensor? worst)
    {
        Tensors = tensors;
        Total = total;
        Worst = worst;
    }

    public IReadOnlyList<QuantizedTensor> Tensors { get; }

    /// <summary>All quantized weights pooled.</summary>
    public QuantizationError Total { get; }

    /// <summary>The tensor with the largest absolute error, or null when nothing was quantized.</summary>
    public QuantizedTensor? Worst { get; }

    public static QuantizationReport Of(IReadOnlyList<QuantizedTensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var total = new QuantizationError();
        QuantizedTensor? worst = null;
        foreach (QuantizedTensor tensor in tensors)
        {
            total.Add(tensor.Error);
            if (worst is null || tensor.Error.MaxAbsoluteError > worst.Error.MaxAbsoluteError)
            {
                worst = tensor;
            }
        }

        return new QuantizationReport(tensors, total, worst);
    }

    public override string ToString() => Worst is null
        ? "no tensors quantized"
        : string.Create(
            CultureInfo.InvariantCulture,
            $"{Tensors.Count} tensors quantized, {Total.WeightCount:N0} weights, rms error {Total.RelativeRootMeanSquareError:P2} of weight rms, largest error {Worst.Error.MaxAbsoluteError:G4} in {Worst.Name} ({Worst.Options})");
}
