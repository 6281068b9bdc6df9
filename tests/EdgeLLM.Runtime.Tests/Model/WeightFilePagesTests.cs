using System.Globalization;
using EdgeLLM.Format.ModelFolder;
using EdgeLLM.Format.Providers;
using EdgeLLM.Quantize.Checkpoints;
using EdgeLLM.Quantize.Conversion;
using EdgeLLM.Quantize.Synthetic;
using EdgeLLM.Runtime.Engines.Onnx;
using EdgeLLM.Runtime.Model;
using EdgeLLM.Tests.Shared;

namespace EdgeLLM.Runtime.Tests.Model;

/// <summary>
/// Once <see cref="ModelSession.Open"/> returns, the weight file ONNX Runtime mapped holds no resident
/// pages (Linux: the runtime drops them after prepacking), and the session still computes the same
/// logits as a session whose pages are all read back in. The int4 model (whose MatMulNBits scales ONNX
/// Runtime keeps mapped, and resident, after prepacking) is this test's own, so no other test's session
/// maps the same file.
/// </summary>
public sealed class WeightFilePagesTests
{
    [Fact]
    public void AfterOpen_TheWeightFileHoldsNoResidentPages_AndTheLogitsAreUnchanged()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        using TempFolder temp = TestPaths.CreateTemp();
        string source = Path.Combine(temp.Path, "hf");
        string folder = Path.Combine(temp.Path, "int4");
        CheckpointSynthesizer.Synthesize(new SynthesisRequest
        {
            Shape = SyntheticShapes.Find("tiny-r1-qwen2"),
            TokenizerFolder = TestPaths.Tokenizer("r1-distill-qwen"),
            OutputFolder = source,
        });
        using (ICheckpoint checkpoint = CheckpointFolder.Open(source))
        {
            ModelConverter.Convert(checkpoint, folder, new ConversionOptions { Precision = WeightPrecision.Int4, MaxContext = 64, SourceFolder = source });
        }

        string dataFile = Path.Combine(folder, "model.onnx.data");
        using ModelSession session = ModelSession.Open(folder, 64, threads: 1, ExecutionProvider.Cpu);

        (int mappings, long residentKilobytes) = Residency(dataFile);
        Assert.True(mappings > 0, "ONNX Runtime did not map model.onnx.data: nothing to check");
        Assert.Equal(0, residentKilobytes);

        // The dropped pages come back from the page cache as they are read: same logits as a fresh run.
        int[] prompt = [9707, 11, 1879, 0, 151645, 198];
        float[] first = session.Prefill(prompt).ToArray();
        Assert.True(Residency(dataFile).ResidentKilobytes > 0, "the run read no page of the weight file back");
        session.Reset();
        float[] again = session.Prefill(prompt).ToArray();
        Assert.Equal(first, again);
    }

    /// <summary>Mappings of <paramref name="path"/> in this process and their resident kilobytes (/proc/self/smaps).</summary>
    private static (int Mappings, long ResidentKilobytes) Residency(string path)
    {
        string target = new FileInfo(path).FullName;
        int mappings = 0;
        long resident = 0;
        bool inside = false;
        foreach (string line in File.ReadLines("/proc/self/smaps"))
        {
            string[] fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 1 && fields[0].Contains('-', StringComparison.Ordinal) && !fields[0].EndsWith(':'))
            {
                inside = fields.Length == 6 && fields[5].Trim() == target;
                mappings += inside ? 1 : 0;
            }
            else if (inside && line.StartsWith("Rss:", StringComparison.Ordinal))
            {
                resident += long.Parse(line["Rss:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        return (mappings, resident);
    }
}
