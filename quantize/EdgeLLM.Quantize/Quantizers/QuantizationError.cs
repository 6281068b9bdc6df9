namespace EdgeLLM.Quantize.Quantizers;

/// <summary>
/// The error a quantization left in one tensor: largest absolute difference between a weight and its
/// dequantized value, root mean square of the differences, and the root mean square of the weights
/// themselves (to put the error in proportion). Accumulates block by block; <see cref="Add"/> merges
/// the errors of row chunks quantized in parallel.
/// </summary>
public sealed class QuantizationError
{
    private double squaredErrorSum;
    private double squaredWeightSum;

    public long WeightCount { get; private set; }

    public double MaxAbsoluteError { get; private set; }

    public double RootMeanSquareError => WeightCount == 0 ? 0 : Math.Sqrt(squaredErrorSum / WeightCount);

    public double WeightRootMeanSquare => WeightCount == 0 ? 0 : Math.Sqrt(squaredWeightSum / WeightCount);

    /// <summary>RMS error over RMS weight (0 for an all-zero tensor).</summary>
    public double RelativeRootMeanSquareError => squaredWeightSum == 0 ? 0 : Math.Sqrt(squaredErrorSum / squaredWeightSum);

    /// <summary>Records a block of weights: their count, Σ (dequantized − w)², Σ w² and the largest |dequantized − w|.</summary>
    public void Record(int weightCount, double squaredErrorSum, double squaredWeightSum, double maxAbsoluteError)
    {
        this.squaredErrorSum += squaredErrorSum;
        this.squaredWeightSum += squaredWeightSum;
        MaxAbsoluteError = Math.Max(MaxAbsoluteError, maxAbsoluteError);
        WeightCount += weightCount;
    }

    /// <summary>Folds another accumulator's weights into this one.</summary>
    public void Add(QuantizationError other)
    {
        ArgumentNullException.ThrowIfNull(other);
        squaredErrorSum += other.squaredErrorSum;
        squaredWeightSum += other.squaredWeightSum;
        MaxAbsoluteError = Math.Max(MaxAbsoluteError, other.MaxAbsoluteError);
        WeightCount += other.WeightCount;
    }

    public override string ToString()
        => FormattableString.Invariant($"max abs {MaxAbsoluteError:G4}, rms {RootMeanSquareError:G4} ({RelativeRootMeanSquareError:P2} of weight rms) over {WeightCount} weights");
}
