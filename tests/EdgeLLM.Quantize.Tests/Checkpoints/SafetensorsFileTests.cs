using EdgeLLM.Format;
using EdgeLLM.Quantize.Checkpoints;
using EdgeLLM.Quantize.Synthetic;
using EdgeLLM.Tests.Shared;

namespace EdgeLLM.Quantize.Tests.Checkpoints;

public sealed class SafetensorsFileTests
{
    private const string TwoTensors =
        """{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"b":{"dtype":"BF16","shape":[3],"data_offsets":[16,22]}}""";

    [Fact]
    public void ReadsTensorsInPlaceAndIgnoresMetadata()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string path = SafetensorsBytes.Write(temp.Path, "ok.safetensors", TwoTensors, 22);
        using SafetensorsFile file = SafetensorsFile.Open(path);

        Assert.Equal(["a", "b"], file.TensorNames);
        TensorView a = file.GetTensor("a");
        Assert.Equal(TensorDType.F32, a.DType);
        Assert.Equal([2L, 2L], a.Shape);
        Assert.Equal([0, 1, 2, 3], a.GetBytes(0, 4).ToArray());
        TensorView b = file.GetTensor("b");
        Assert.Equal(TensorDType.BF16, b.DType);
        Assert.Equal(3, b.ElementCount);
        Assert.Equal([16, 17, 18, 19, 20, 21], b.GetBytes(0, 6).ToArray());
    }

    [Fact]
    public void WriterOutputReadsBackWithRecipeValuesAndSurvivesRelease()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        ModelConfig config = SyntheticShapes.TinyQwen3.Config;
        IReadOnlyList<(string Name, long[] Shape)> tensors = HuggingFaceLayout.Tensors(config);
        using (var source = new SyntheticCheckpoint(config, TensorDType.F32))
        {
            SafetensorsWriter.Write(source, tensors, TensorDType.F32, temp.Path, maxShardBytes: null, CancellationToken.None);
        }

        using SafetensorsFile file = SafetensorsFile.Open(Path.Combine(temp.Path, CheckpointFolder.SingleFileName));
        Assert.Equal(tensors.Select(tensor => tensor.Name), file.TensorNames);
        string name = HuggingFaceLayout.Layer(1, "self_attn.k_norm.weight");
        TensorView view = file.GetTensor(name);
        float[] before = view.ToFloatArray();
        file.Release(name);
        float[] expected = new float[before.Length];
        WeightRecipe.Fill(name, 0, expected);
        Assert.Equal(expected, before);
        Assert.Equal(expected, view.ToFloatArray());
    }

    [Fact]
    public void ReleaseDropsTheTensorPagesFromTheResidentSetOnLinux()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // Release is a documented no-op elsewhere.
        }

        using TempFolder temp = TestPaths.CreateTemp();
        const int elementCount = 1 << 20;
        string path = SafetensorsBytes.Write(temp.Path, "big.safetensors", $$$"""{"w":{"dtype":"F32","shape":[{{{elementCount}}}],"data_offsets":[0,{{{elementCount * 4}}}]}}""", elementCount * 4);
        using SafetensorsFile file = SafetensorsFile.Open(path);
        TensorView view = file.GetTensor("w");
        float[] values = new float[elementCount];
        view.ReadFloats(0, values);

        long residentBefore = MappedResidentKilobytes(path);
        file.Release("w");
        long residentAfter = MappedResidentKilobytes(path);

        Assert.True(residentBefore >= 4000, $"mapped tensor should be resident after reading it, smaps says {residentBefore} kB");
        Assert.True(residentAfter <= 8, $"released tensor should leave the resident set, smaps says {residentAfter} kB");
        Assert.Equal(values, view.ToFloatArray());
    }

    [Fact]
    public void DisposedFileRefusesTensors()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string path = SafetensorsBytes.Write(temp.Path, "ok.safetensors", TwoTensors, 22);
        SafetensorsFile file = SafetensorsFile.Open(path);
        file.Dispose();
        Assert.Throws<ObjectDisposedException>(() => file.GetTensor("a"));
    }

    [Theory]
    [InlineData("{}", 0, 40UL, "header length 40 does not fit")]
    [InlineData("{\"a\":", 0, null, "header is not valid JSON")]
    [InlineData("[1,2]", 0, null, "header is not a JSON object")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", 4, null, "tensor 'a': data_offsets [0, 8) run past the 4 data bytes")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F16","shape":[4],"data_offsets":[4,12]}}""", 12, null, "overlap tensor 'a' at [0, 8)")]
    [InlineData("""{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", 8, null, "tensor 'a': shape [3] of F32 does not match its 8 bytes")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}""", 8, null, "tensor 'a': data_offsets [8, 0] is not a [begin, end] pair")]
    [InlineData("""{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}""", 8, null, "tensor 'a': 'shape' holds -2")]
    [InlineData("""{"a":{"shape":[2],"data_offsets":[0,8]}}""", 8, null, "tensor 'a': missing 'dtype'")]
    public void CorruptFileIsOneLineInvalidDataNamingTheFile(string header, int dataBytes, ulong? declaredLength, string expected)
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string path = SafetensorsBytes.Write(temp.Path, "bad.safetensors", header, dataBytes, declaredLength);
        var exception = Assert.Throws<EdgeLlmException>(() => SafetensorsFile.Open(path));
        AssertOneLine(exception, path, expected);
    }

    [Fact]
    public void TruncatedDataNamesTheTensorAndItsOffsets()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string path = SafetensorsBytes.Write(temp.Path, "cut.safetensors", TwoTensors, 22);
        using (var stream = new FileStream(path, FileMode.Open))
        {
            stream.SetLength(stream.Length - 3);
        }

        var exception = Assert.Throws<EdgeLlmException>(() => SafetensorsFile.Open(path));
        AssertOneLine(exception, path, "tensor 'b': data_offsets [16, 22) run past the 19 data bytes in the file (truncated or out of bounds)");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    public void FileShorterThanTheLengthPrefixIsRejected(int length)
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string path = Path.Combine(temp.Path, "short.safetensors");
        File.WriteAllBytes(path, new byte[length]);
        var exception = Assert.Throws<EdgeLlmException>(() => SafetensorsFile.Open(path));
        AssertOneLine(exception, path, $"{length} bytes is too short");
    }

    [Fact]
    public void UnknownDtypeNamesTensorAndDtype()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string path = SafetensorsBytes.Write(temp.Path, "int8.safetensors", """{"w":{"dtype":"I8","shape":[4],"data_offsets":[0,4]}}""", 4);
        var exception = Assert.Throws<EdgeLlmException>(() => SafetensorsFile.Open(path));
        AssertOneLine(exception, path, "tensor 'w' has dtype I8; only F32, F16 and BF16 are supported");
    }

    [Fact]
    public void MissingFileIsFileNotFound()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string path = Path.Combine(temp.Path, "absent.safetensors");
        var exception = Assert.Throws<FileNotFoundException>(() => SafetensorsFile.Open(path));
        AssertOneLine(exception, path, "not found");
    }

    [Fact]
    public void HeaderIsPaddedToEightBytesAndDeclaresEveryTensor()
    {
        var entries = new[]
        {
            new SafetensorsEntry("x", TensorDType.F16, [3], 0, 6),
        };
        byte[] header = SafetensorsWriter.Header(entries);
        Assert.Equal(0, header.Length % 8);
        Assert.Equal("""{"__metadata__":{"format":"pt"},"x":{"dtype":"F16","shape":[3],"data_offsets":[0,6]}}""", System.Text.Encoding.UTF8.GetString(header).TrimEnd(' '));
    }

    /// <summary>Resident kilobytes of this process's mappings of <paramref name="path"/> (/proc/self/smaps).</summary>
    private static long MappedResidentKilobytes(string path)
    {
        long total = 0;
        bool inMapping = false;
        foreach (string line in File.ReadLines("/proc/self/smaps"))
        {
            // Mapping headers start "start-end perms offset device inode [path]"; attribute lines start "Name:".
            string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0)
            {
                continue;
            }

            if (!fields[0].EndsWith(':'))
            {
                inMapping = fields.Length >= 6 && string.Join(' ', fields[5..]) == path;
            }
            else if (inMapping && fields[0] == "Rss:")
            {
                total += long.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return total;
    }

    internal static void AssertOneLine(Exception exception, string path, string expected)
    {
        Assert.DoesNotContain('\n', exception.Message);
        Assert.StartsWith(path, exception.Message, StringComparison.Ordinal);
        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
    }
}
