namespace EdgeLLM.Runtime.Benchmarking;

/// <summary>
/// Mean, sample standard deviation (n − 1, as llama-bench prints), median, minimum and maximum of
/// one measured quantity over the repetitions.
/// </summary>
public sealed record SampleSummary(int Count, double Mean, double StandardDeviation, double Median, double Minimum, double Maximum)
{
    public static SampleSummary Of(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            throw new ArgumentException("no values to summarise", nameof(values));
        }

        double mean = values.Average();
        double squares = values.Sum(value => (value - mean) * (value - mean));
        double standardDeviation = values.Count > 1 ? Math.Sqrt(squares / (values.Count - 1)) : 0;
        return new SampleSummary(values.Count, mean, standardDeviation, MedianOf(values), values.Min(), values.Max());
    }

    /// <summary>The middle value, or the mean of the two middle values of an even count.</summary>
    public static double MedianOf(IReadOnlyList<double> values)
    {
        double[] sorted = [.. values.Order()];
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>"123.45 ± 1.20", the way llama-bench prints a speed.</summary>
    public string Format(int decimals = 2)
        => $"{Mean.ToString($"F{decimals}", System.Globalization.CultureInfo.InvariantCulture)} ± {StandardDeviation.ToString($"F{decimals}", System.Globalization.CultureInfo.InvariantCulture)}";
}
