using EdgeLLM.Quantize.Onnx;
using EdgeLLM.Tests.Shared;

namespace EdgeLLM.Quantize.Tests.Onnx;

public sealed class ExternalDataWriterTests
{
    [Fact]
    public void LargeTensorsStartOn64KiBAndSmallOnes64ByteBoundaries()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string path = Path.Combine(temp.Path, "model.onnx.data");
        byte[] small = [1, 2, 3];
        byte[] large = Enumerable.Range(0, 70_000).Select(i => (byte)(i * 7)).ToArray();
        var ranges = new List<ExternalDataRange>();
        using (var writer = new ExternalDataWriter(path))
        {
            Assert.Equal("model.onnx.data", writer.Location);
            foreach (byte[] tensor in new[] { small, large, small, small, large })
            {
                writer.BeginTensor(tensor.Length);
                writer.Write(tensor.AsSpan(0, 1));
                writer.Write(tensor.AsSpan(1));
                ranges.Add(writer.EndTensor());
            }

            writer.Complete();
        }

        Assert.Equal(
            [new(0, 3), new(65536, 70_000), new(65536 + 70_016, 3), new(65536 + 70_080, 3), new(196608, 70_000)],
            ranges);
        byte[] file = File.ReadAllBytes(path);
        Assert.Equal(196608 + 70_000, file.Length);
        Assert.Equal(large, file.AsSpan(65536, 70_000).ToArray());
        Assert.Equal(small, file.AsSpan(65536 + 70_080, 3).ToArray());
        Assert.All(file.AsSpan(3, 65536 - 3).ToArray(), padding => Assert.Equal(0, padding));
    }

    [Fact]
    public void WritingMoreOrFewerBytesThanDeclaredFails()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        using var writer = new ExternalDataWriter(Path.Combine(temp.Path, "model.onnx.data"));
        writer.BeginTensor(4);
        Assert.Throws<InvalidOperationException>(() => writer.Write(new byte[5]));
        writer.Write(new byte[3]);
        Assert.Throws<InvalidOperationException>(() => writer.EndTensor());
    }

    [Fact]
    public void RefusesToOverwriteAnExistingFile()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string path = Path.Combine(temp.Path, "model.onnx.data");
        File.WriteAllBytes(path, [1]);
        Assert.Throws<IOException>(() => new ExternalDataWriter(path));
    }
}
