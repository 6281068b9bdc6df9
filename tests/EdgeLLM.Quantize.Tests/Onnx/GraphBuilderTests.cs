using EdgeLLM.Quantize.Onnx;
using EdgeLLM.Tests.Shared;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using DataType = EdgeLLM.Quantize.Onnx.Proto.TensorProto.Types.DataType;

namespace EdgeLLM.Quantize.Tests.Onnx;

public sealed class GraphBuilderTests
{
    [Fact]
    public void BuiltGraphWithExternalInitializersRunsInOnnxRuntime()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        float[] weight = [1.5f, -2f, 0.25f, 4f, 3f, -1f];
        string modelPath = Path.Combine(temp.Path, "model.onnx");
        using (var data = new ExternalDataWriter(Path.Combine(temp.Path, "model.onnx.data")))
        {
            var graph = new GraphBuilder("test", data);
            string x = graph.Input("x", DataType.Float, "batch", 2);
            string w = graph.Initializer("w", DataType.Float16, [2, 3], writer => FloatTensorEncoding.Write(writer, weight, DataType.Float16));
            string wFloat = graph.Op("Cast", "cast", [w], NodeAttribute.Int("to", (long)DataType.Float));
            string product = graph.Op("MatMul", "matmul", [x, wFloat]);
            string shape = graph.Int64Constant("shape", [-1]);
            graph.Node("Reshape", "flatten", [product, shape], ["y"]);
            graph.Output("y", DataType.Float, "flat");
            data.Complete();
            File.WriteAllBytes(modelPath, graph.Build("test", new Dictionary<string, string> { ["k"] = "v" }).ToByteArray());
        }

        using var session = new InferenceSession(modelPath);
        using OrtValue input = OrtValue.CreateTensorValueFromMemory(new float[] { 1, 2, -1, 0.5f }, [2, 2]);
        using var runOptions = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(runOptions, ["x"], [input], ["y"]);
        // [[1,2],[-1,0.5]] x [[1.5,-2,0.25],[4,3,-1]]
        Assert.Equal(new float[] { 9.5f, 4f, -1.75f, 0.5f, 3.5f, -0.75f }, outputs[0].GetTensorDataAsSpan<float>().ToArray());
        Assert.Equal("v", session.ModelMetadata.CustomMetadataMap["k"]);
    }

    [Fact]
    public void RejectsDuplicateNodeAndValueNames()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        using var data = new ExternalDataWriter(Path.Combine(temp.Path, "model.onnx.data"));
        var graph = new GraphBuilder("test", data);
        string x = graph.Input("x", DataType.Float, 1);
        graph.Op("Relu", "relu", [x]);
        Assert.Throws<InvalidOperationException>(() => graph.Op("Relu", "relu", [x]));
        Assert.Throws<InvalidOperationException>(() => graph.Node("Relu", "relu2", [x], ["relu/output_0"]));
        Assert.Throws<InvalidOperationException>(() => graph.Input("x", DataType.Float, 1));
    }
}
