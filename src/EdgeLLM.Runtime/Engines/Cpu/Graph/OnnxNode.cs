using EdgeLLM.Format;

namespace EdgeLLM.Runtime.Engines.Cpu.Graph;

/// <summary>One NodeProto: op type, domain, name, inputs, outputs and its int/float attributes.</summary>
internal sealed class OnnxNode
{
    public required string Name { get; init; }

    public required string OpType { get; init; }

    public required string Domain { get; init; }

    public required IReadOnlyList<string> Inputs { get; init; }

    public required IReadOnlyList<string> Outputs { get; init; }

    public required IReadOnlyDictionary<string, long> IntAttributes { get; init; }

    public required IReadOnlyDictionary<string, float> FloatAttributes { get; init; }

    public string Input(int index) => index < Inputs.Count ? Inputs[index] : string.Empty;

    public long Int(string attribute, long fallback) => IntAttributes.TryGetValue(attribute, out long value) ? value : fallback;

    public long Int(string attribute) => IntAttributes.TryGetValue(attribute, out long value)
        ? value
        : throw new EdgeLlmException($"model.onnx: node '{Name}' ({OpType}) has no '{attribute}' attribute");

    public float Float(string attribute, float fallback) => FloatAttributes.TryGetValue(attribute, out float value) ? value : fallback;
}
