using System.Globalization;
using EdgeLLM.Format;

namespace EdgeLLM.Runtime.Engines.Cpu.Graph;

/// <summary>
/// The parts of an ONNX ModelProto the CPU engine needs (the graph's nodes and initializers), read from
/// <c>model.onnx</c> with <see cref="ProtoReader"/>; weight bytes stay in the external data file.
/// </summary>
internal sealed class OnnxModelFile
{
    private const int ModelGraph = 7;
    private const int GraphNode = 1;
    private const int GraphInitializer = 5;

    private OnnxModelFile(List<OnnxNode> nodes, Dictionary<string, OnnxTensor> initializers)
    {
        Nodes = nodes;
        Initializers = initializers;
        var byName = new Dictionary<string, OnnxNode>(StringComparer.Ordinal);
        var byOutput = new Dictionary<string, OnnxNode>(StringComparer.Ordinal);
        foreach (OnnxNode node in nodes)
        {
            if (node.Name.Length > 0)
            {
                byName.TryAdd(node.Name, node);
            }

            foreach (string output in node.Outputs)
            {
                if (output.Length > 0)
                {
                    byOutput.TryAdd(output, node);
                }
            }
        }

        NodesByName = byName;
        NodesByOutput = byOutput;
    }

    public IReadOnlyList<OnnxNode> Nodes { get; }

    public IReadOnlyDictionary<string, OnnxTensor> Initializers { get; }

    public IReadOnlyDictionary<string, OnnxNode> NodesByName { get; }

    public IReadOnlyDictionary<string, OnnxNode> NodesByOutput { get; }

    public static OnnxModelFile Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        var nodes = new List<OnnxNode>();
        var initializers = new Dictionary<string, OnnxTensor>(StringComparer.Ordinal);
        var model = new ProtoReader(bytes);
        bool sawGraph = false;
        while (model.Next(out int field, out int wire))
        {
            if (field != ModelGraph || wire != 2)
            {
                model.Skip(wire);
                continue;
            }

            sawGraph = true;
            var graph = new ProtoReader(model.ReadBytes());
            while (graph.Next(out int graphField, out int graphWire))
            {
                if (graphField == GraphNode && graphWire == 2)
                {
                    nodes.Add(ReadNode(graph.ReadBytes()));
                }
                else if (graphField == GraphInitializer && graphWire == 2)
                {
                    OnnxTensor tensor = ReadTensor(graph.ReadBytes());
                    if (!initializers.TryAdd(tensor.Name, tensor))
                    {
                        throw new EdgeLlmException($"model.onnx: initializer '{tensor.Name}' appears twice");
                    }
                }
                else
                {
                    graph.Skip(graphWire);
                }
            }
        }

        return sawGraph ? new OnnxModelFile(nodes, initializers) : throw new EdgeLlmException($"{path}: no graph (not an ONNX model)");
    }

    private static OnnxNode ReadNode(ReadOnlySpan<byte> bytes)
    {
        var reader = new ProtoReader(bytes);
        var inputs = new List<string>();
        var outputs = new List<string>();
        var ints = new Dictionary<string, long>(StringComparer.Ordinal);
        var floats = new Dictionary<string, float>(StringComparer.Ordinal);
        string name = string.Empty;
        string opType = string.Empty;
        string domain = string.Empty;
        while (reader.Next(out int field, out int wire))
        {
            switch (field)
            {
                case 1 when wire == 2:
                    inputs.Add(reader.ReadString());
                    break;
                case 2 when wire == 2:
                    outputs.Add(reader.ReadString());
                    break;
                case 3 when wire == 2:
                    name = reader.ReadString();
                    break;
                case 4 when wire == 2:
                    opType = reader.ReadString();
                    break;
                case 5 when wire == 2:
                    ReadAttribute(reader.ReadBytes(), ints, floats);
                    break;
                case 7 when wire == 2:
                    domain = reader.ReadString();
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return new OnnxNode { Name = name, OpType = opType, Domain = domain, Inputs = inputs, Outputs = outputs, IntAttributes = ints, FloatAttributes = floats };
    }

    private static void ReadAttribute(ReadOnlySpan<byte> bytes, Dictionary<string, long> ints, Dictionary<string, float> floats)
    {
        var reader = new ProtoReader(bytes);
        string name = string.Empty;
        long? intValue = null;
        float? floatValue = null;
        while (reader.Next(out int field, out int wire))
        {
            switch (field)
            {
                case 1 when wire == 2:
                    name = reader.ReadString();
                    break;
                case 2 when wire == 5:
                    floatValue = reader.ReadFixed32Float();
                    break;
                case 3 when wire == 0:
                    intValue = reader.ReadInt64();
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        if (intValue is { } i)
        {
            ints[name] = i;
        }

        if (floatValue is { } f)
        {
            floats[name] = f;
        }
    }

    private static OnnxTensor ReadTensor(ReadOnlySpan<byte> bytes)
    {
        var reader = new ProtoReader(bytes);
        var dims = new List<long>();
        string name = string.Empty;
        int dataType = 0;
        byte[]? raw = null;
        string? location = null;
        long offset = 0;
        long length = -1;
        while (reader.Next(out int field, out int wire))
        {
            switch (field)
            {
                case 1:
                    reader.ReadInt64s(wire, dims);
                    break;
                case 2 when wire == 0:
                    dataType = (int)reader.ReadInt64();
                    break;
                case 8 when wire == 2:
                    name = reader.ReadString();
                    break;
                case 9 when wire == 2:
                    raw = reader.ReadBytes().ToArray();
                    break;
                case 13 when wire == 2:
                    (string key, string value) = ReadEntry(reader.ReadBytes());
                    switch (key)
                    {
                        case "location":
                            location = value;
                            break;
                        case "offset":
                            offset = ParseCount(name, key, value);
                            break;
                        case "length":
                            length = ParseCount(name, key, value);
                            break;
                    }

                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return new OnnxTensor { Name = name, DataType = dataType, Dims = [.. dims], Location = location, Offset = offset, Length = length, InlineData = raw };
    }

    private static (string Key, string Value) ReadEntry(ReadOnlySpan<byte> bytes)
    {
        var reader = new ProtoReader(bytes);
        string key = string.Empty;
        string value = string.Empty;
        while (reader.Next(out int field, out int wire))
        {
            if (field == 1 && wire == 2)
            {
                key = reader.ReadString();
            }
            else if (field == 2 && wire == 2)
            {
                value = reader.ReadString();
            }
            else
            {
                reader.Skip(wire);
            }
        }

        return (key, value);
    }

    private static long ParseCount(string tensor, string key, string value)
        => long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long parsed)
            ? parsed
            : throw new EdgeLlmException($"model.onnx: initializer '{tensor}' has external-data {key} '{value}', not a byte count");
}
