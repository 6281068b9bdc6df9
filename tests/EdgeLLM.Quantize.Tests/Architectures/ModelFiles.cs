using EdgeLLM.Quantize.Onnx.Proto;

namespace EdgeLLM.Quantize.Tests.Architectures;

/// <summary>Reads a converted folder's model.onnx back into the proto classes.</summary>
internal static class ModelFiles
{
    public static ModelProto Load(string folder)
    {
        using FileStream stream = File.OpenRead(Path.Combine(folder, "model.onnx"));
        return ModelProto.Parser.ParseFrom(stream);
    }

    public static long Attribute(NodeProto node, string name) => node.Attribute.Single(attribute => attribute.Name == name).I;

    public static long External(TensorProto tensor, string key)
        => long.Parse(tensor.ExternalData.Single(entry => entry.Key == key).Value, System.Globalization.CultureInfo.InvariantCulture);
}
