using EdgeLLM.Format.ModelFolder;
using EdgeLLM.Quantize.Onnx;
using EdgeLLM.Quantize.Onnx.Proto;
using EdgeLLM.Quantize.Tests.Architectures;

namespace EdgeLLM.Quantize.Tests.Onnx;

/// <summary>What a converted model.onnx / model.onnx.data pair looks like on disk.</summary>
[Collection(ConvertedModelsCollection.Name)]
public sealed class ConvertedModelLayoutTests(ConvertedModels models)
{
    public static TheoryData<string, WeightPrecision> Cases => new()
    {
        { TinyModels.Qwen2, WeightPrecision.Fp32 },
        { TinyModels.Qwen3, WeightPrecision.Fp16 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void EveryInitializerIsExternalAlignedAndInsideTheDataFile(string model, WeightPrecision precision)
    {
        string folder = models.Get(model, precision);
        ModelProto proto = ModelFiles.Load(folder);
        long dataLength = new FileInfo(Path.Combine(folder, "model.onnx.data")).Length;
        var ranges = new List<(long Offset, long Length)>();
        foreach (TensorProto tensor in proto.Graph.Initializer)
        {
            Assert.Equal(TensorProto.Types.DataLocation.External, tensor.DataLocation);
            Assert.True(tensor.RawData.IsEmpty, $"{tensor.Name} carries raw_data inside model.onnx");
            Assert.Empty(tensor.FloatData);
            Assert.Equal("model.onnx.data", tensor.ExternalData.Single(entry => entry.Key == "location").Value);
            long offset = ModelFiles.External(tensor, "offset");
            long length = ModelFiles.External(tensor, "length");
            long elements = tensor.Dims.Aggregate(1L, (product, dim) => product * dim);
            Assert.Equal(elements * GraphBuilder.ElementSize((TensorProto.Types.DataType)tensor.DataType), length);
            Assert.True(offset % ExternalDataWriter.SmallTensorAlignment == 0, $"{tensor.Name} at {offset}");
            if (length >= ExternalDataWriter.LargeTensorBytes)
            {
                Assert.True(offset % 65536 == 0, $"{tensor.Name} ({length} bytes) at offset {offset} is not 64 KiB aligned");
            }

            Assert.True(offset + length <= dataLength, $"{tensor.Name} ends past the data file");
            ranges.Add((offset, length));
        }

        ranges.Sort();
        for (int i = 1; i < ranges.Count; i++)
        {
            Assert.True(ranges[i - 1].Offset + ranges[i - 1].Length <= ranges[i].Offset, "initializers overlap");
        }

        Assert.Contains(ranges, range => range.Length >= ExternalDataWriter.LargeTensorBytes);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ModelFileHoldsOnlyTheGraph(string model, WeightPrecision precision)
    {
        string folder = models.Get(model, precision);
        Assert.True(new FileInfo(Path.Combine(folder, "model.onnx")).Length < 64 * 1024, "model.onnx should hold the graph only");
        ModelProto proto = ModelFiles.Load(folder);
        Assert.Equal(10, proto.IrVersion);
        Assert.Equal(
            [("", 21L), ("com.microsoft", 1L)],
            proto.OpsetImport.Select(opset => (opset.Domain, opset.Version)).ToArray());
        foreach (NodeProto constant in proto.Graph.Node.Where(node => node.OpType == "Constant"))
        {
            Assert.True(constant.Attribute.Single().T.RawData.Length <= 64, $"{constant.Name} is not a small constant");
        }
    }
}
