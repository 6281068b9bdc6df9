using EdgeLLM.Quantize.Onnx.Proto;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;

namespace EdgeLLM.Quantize.Tests.Quantizers;

/// <summary>
/// Builds one-node ONNX models (opset {"": 21, "com.microsoft": 1}, IR 10) with the project's proto
/// classes and runs them in ONNX Runtime from bytes, so kernels are checked against ORT itself.
/// </summary>
internal sealed class OnnxTestModel
{
    private readonly GraphProto graph = new() { Name = "test" };

    public OnnxTestModel Node(string opType, string domain, string[] inputs, string output, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Domain = domain, Name = $"{opType}_{graph.Node.Count}" };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        graph.Node.Add(node);
        return this;
    }

    public OnnxTestModel Initializer(string name, TensorProto.Types.DataType type, long[] dims, ReadOnlySpan<byte> raw)
        => Initializer(name, (int)type, dims, raw);

    /// <summary>An initializer of any element type number (21 = UINT4, which the trimmed enum leaves out).</summary>
    public OnnxTestModel Initializer(string name, int type, long[] dims, ReadOnlySpan<byte> raw)
    {
        var tensor = new TensorProto { Name = name, DataType = type, RawData = ByteString.CopyFrom(raw) };
        tensor.Dims.AddRange(dims);
        graph.Initializer.Add(tensor);
        return this;
    }

    public OnnxTestModel Input(string name, TensorProto.Types.DataType type, params long[] dims)
    {
        graph.Input.Add(ValueInfo(name, type, dims));
        return this;
    }

    public OnnxTestModel Output(string name, TensorProto.Types.DataType type, params long[] dims)
    {
        graph.Output.Add(ValueInfo(name, type, dims));
        return this;
    }

    public static AttributeProto Int(string name, long value)
        => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public byte[] ToBytes()
    {
        var model = new ModelProto { IrVersion = 10, ProducerName = "edgellm-tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 21 });
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "com.microsoft", Version = 1 });
        return model.ToByteArray();
    }

    /// <summary>Runs the model on one fp32 input and returns the named output's elements.</summary>
    public T[] Run<T>(string inputName, float[] input, long[] inputShape, string outputName)
        where T : unmanaged
        => Run<float, T>(inputName, input, inputShape, outputName);

    /// <summary>Runs the model on one input and returns the named output's elements.</summary>
    public TOutput[] Run<TInput, TOutput>(string inputName, TInput[] input, long[] inputShape, string outputName)
        where TInput : unmanaged
        where TOutput : unmanaged
    {
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        using var session = new InferenceSession(ToBytes(), options);
        using var inputValue = OrtValue.CreateTensorValueFromMemory(input, inputShape);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, [inputName], [inputValue], [outputName]);
        return results[0].GetTensorDataAsSpan<TOutput>().ToArray();
    }

    private static ValueInfoProto ValueInfo(string name, TensorProto.Types.DataType type, long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (long dim in dims)
        {
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = dim });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}
