using System.Globalization;
using System.Runtime.InteropServices;
using EdgeLLM.Quantize.Onnx.Proto;
using Google.Protobuf;
using DataType = EdgeLLM.Quantize.Onnx.Proto.TensorProto.Types.DataType;

namespace EdgeLLM.Quantize.Onnx;

/// <summary>
/// Builds one ONNX graph over the proto classes: graph inputs/outputs with symbolic dimensions, nodes
/// with domain and attributes (each returning its output names so calls chain), small int64 constants
/// as Constant nodes, and initializers whose bytes go to the <see cref="ExternalDataWriter"/> (every
/// initializer is external: model.onnx holds only the graph).
/// </summary>
internal sealed class GraphBuilder
{
    /// <summary>ONNX IR version written.</summary>
    public const long IrVersion = 10;

    /// <summary>The ONNX Runtime contrib-op domain.</summary>
    public const string MicrosoftDomain = "com.microsoft";

    private readonly GraphProto graph;
    private readonly ExternalDataWriter data;
    private readonly HashSet<string> nodeNames = new(StringComparer.Ordinal);
    private readonly HashSet<string> valueNames = new(StringComparer.Ordinal);

    public GraphBuilder(string graphName, ExternalDataWriter data)
    {
        graph = new GraphProto { Name = graphName };
        this.data = data;
    }

    /// <summary>Opset imports written: default domain 21, com.microsoft 1.</summary>
    public static IReadOnlyList<(string Domain, long Version)> Opsets { get; } = [(string.Empty, 21), (MicrosoftDomain, 1)];

    /// <summary>Declares a graph input and returns its name.</summary>
    public string Input(string name, DataType type, params Dimension[] shape)
    {
        Claim(name);
        graph.Input.Add(ValueInfo(name, type, shape));
        return name;
    }

    /// <summary>Declares a graph output (some node must produce <paramref name="name"/>).</summary>
    public void Output(string name, DataType type, params Dimension[] shape)
        => graph.Output.Add(ValueInfo(name, type, shape));

    /// <summary>Adds a node with explicitly named outputs ("" skips an optional input or output).</summary>
    public IReadOnlyList<string> Node(string opType, string name, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs, string domain = "", params AttributeProto[] attributes)
    {
        if (!nodeNames.Add(name))
        {
            throw new InvalidOperationException($"duplicate node name '{name}'");
        }

        var node = new NodeProto { OpType = opType, Name = name, Domain = domain };
        node.Input.AddRange(inputs);
        foreach (string output in outputs)
        {
            if (output.Length > 0)
            {
                Claim(output);
            }
        }

        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        graph.Node.Add(node);
        return outputs;
    }

    /// <summary>Adds a default-domain node with one output named "<paramref name="name"/>/output_0" and returns it.</summary>
    public string Op(string opType, string name, IReadOnlyList<string> inputs, params AttributeProto[] attributes)
        => Node(opType, name, inputs, [$"{name}/output_0"], string.Empty, attributes)[0];

    /// <summary>Adds a com.microsoft node with one output named "<paramref name="name"/>/output_0" and returns it.</summary>
    public string MicrosoftOp(string opType, string name, IReadOnlyList<string> inputs, params AttributeProto[] attributes)
        => Node(opType, name, inputs, [$"{name}/output_0"], MicrosoftDomain, attributes)[0];

    /// <summary>An int64 constant (a scalar when <paramref name="values"/> has one element and <paramref name="scalar"/> is set).</summary>
    public string Int64Constant(string name, long[] values, bool scalar = false)
    {
        var tensor = new TensorProto { DataType = (int)DataType.Int64, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan())) };
        if (!scalar)
        {
            tensor.Dims.Add(values.Length);
        }
        else if (values.Length != 1)
        {
            throw new ArgumentException("a scalar constant holds one value", nameof(values));
        }

        return Node("Constant", name, [], [$"{name}/output_0"], string.Empty, NodeAttribute.Tensor("value", tensor))[0];
    }

    /// <summary>
    /// Adds an initializer of <paramref name="type"/> and <paramref name="dims"/>; <paramref name="write"/>
    /// streams exactly its bytes into the external data file.
    /// </summary>
    public string Initializer(string name, DataType type, long[] dims, Action<ExternalDataWriter> write)
    {
        Claim(name);
        long byteCount = ElementSize(type);
        foreach (long dim in dims)
        {
            byteCount *= dim;
        }

        data.BeginTensor(byteCount);
        write(data);
        ExternalDataRange range = data.EndTensor();
        var tensor = new TensorProto { Name = name, DataType = (int)type, DataLocation = TensorProto.Types.DataLocation.External };
        tensor.Dims.AddRange(dims);
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = data.Location });
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = range.Offset.ToString(CultureInfo.InvariantCulture) });
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = range.Length.ToString(CultureInfo.InvariantCulture) });
        graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>The finished model: IR 10, the opsets above, producer and metadata.</summary>
    public ModelProto Build(string producerVersion, IReadOnlyDictionary<string, string> metadata)
    {
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "edgellm",
            ProducerVersion = producerVersion,
            Graph = graph,
        };
        foreach ((string domain, long version) in Opsets)
        {
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = domain, Version = version });
        }

        foreach (KeyValuePair<string, string> entry in metadata)
        {
            model.MetadataProps.Add(new StringStringEntryProto { Key = entry.Key, Value = entry.Value });
        }

        return model;
    }

    /// <summary>Bytes per element of the tensor types EdgeLLM writes.</summary>
    public static int ElementSize(DataType type) => type switch
    {
        DataType.Float or DataType.Int32 => 4,
        DataType.Float16 or DataType.Bfloat16 => 2,
        DataType.Int64 => 8,
        DataType.Uint8 or DataType.Int8 => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unsupported initializer type"),
    };

    private static ValueInfoProto ValueInfo(string name, DataType type, Dimension[] shape)
    {
        var tensorShape = new TensorShapeProto();
        foreach (Dimension dimension in shape)
        {
            tensorShape.Dim.Add(dimension.Symbol is { } symbol
                ? new TensorShapeProto.Types.Dimension { DimParam = symbol }
                : new TensorShapeProto.Types.Dimension { DimValue = dimension.Value });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = tensorShape } },
        };
    }

    private void Claim(string valueName)
    {
        if (!valueNames.Add(valueName))
        {
            throw new InvalidOperationException($"value '{valueName}' is produced twice");
        }
    }
}
