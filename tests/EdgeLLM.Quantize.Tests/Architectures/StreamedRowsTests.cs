using System.Globalization;
using EdgeLLM.Quantize.Architectures;
using EdgeLLM.Quantize.Checkpoints;
using EdgeLLM.Quantize.Tests.Checkpoints;
using EdgeLLM.Tests.Shared;
using Xunit.Abstractions;

namespace EdgeLLM.Quantize.Tests.Architectures;

/// <summary>
/// Reading a mapped weight row block by row block (what the quantizers and the row writer do) leaves no more
/// than a block of its pages resident: a 1 GB embedding is never resident whole during conversion. Measured
/// with the mapping's Rss in /proc/self/smaps (Linux); a plain read of the same rows is the control.
/// </summary>
public sealed class StreamedRowsTests(ITestOutputHelper output)
{
    private const int Rows = 4096;
    private const int Columns = 4096;
    private const int RowsPerRead = 256;

    [Fact]
    public void RowsReadThroughLinearWeightDropTheirPagesAsTheyGo()
    {
        if (!OperatingSystem.IsLinux())
        {
            output.WriteLine("skipped: /proc/self/smaps is Linux only");
            return;
        }

        using TempFolder temp = TestPaths.CreateTemp();
        int bytes = Rows * Columns * sizeof(float);
        string path = SafetensorsBytes.Write(temp.Path, "w.safetensors", $$$"""{"w":{"dtype":"F32","shape":[{{{Rows}}},{{{Columns}}}],"data_offsets":[0,{{{bytes}}}]}}""", bytes);
        var buffer = new float[RowsPerRead * Columns];

        long plain;
        using (SafetensorsFile file = SafetensorsFile.Open(path))
        {
            TensorView view = file.GetTensor("w");
            for (int row = 0; row < Rows; row += RowsPerRead)
            {
                view.ReadRows(row, RowsPerRead, buffer);
            }

            plain = MappedRssBytes(path);
        }

        long streamed;
        using (SafetensorsFile file = SafetensorsFile.Open(path))
        {
            var weight = new LinearWeight("w", file.GetTensor("w"));
            for (int row = 0; row < Rows; row += RowsPerRead)
            {
                weight.ReadRows(row, RowsPerRead, buffer);
            }

            streamed = MappedRssBytes(path);
        }

        output.WriteLine($"64 MiB tensor read in blocks of {RowsPerRead} rows: mapping Rss {plain / 1024} KiB plain, {streamed / 1024} KiB through LinearWeight");
        Assert.True(plain >= bytes / 2, $"the control read left only {plain} bytes resident: the measurement cannot see pages");
        Assert.True(streamed <= RowsPerRead * Columns * sizeof(float), $"{streamed} bytes of the mapping stayed resident");
    }

    /// <summary>The Rss of every mapping of <paramref name="path"/> in this process.</summary>
    private static long MappedRssBytes(string path)
    {
        long total = 0;
        bool inMapping = false;
        foreach (string line in File.ReadLines("/proc/self/smaps"))
        {
            string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 5 && fields[0].Contains('-', StringComparison.Ordinal) && !fields[0].EndsWith(':'))
            {
                // A mapping's header line: "start-end perms offset dev inode [path]".
                inMapping = line.EndsWith(path, StringComparison.Ordinal);
            }
            else if (inMapping && line.StartsWith("Rss:", StringComparison.Ordinal))
            {
                total += long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }

        return total;
    }
}
