using System.Globalization;

namespace EdgeLLM.Format.ModelFolder;

/// <summary>
/// The input and output names of every decoder graph EdgeLLM writes (the ONNX Runtime GenAI convention),
/// shared by the graph writer, genai_config.json and the runtime that binds them.
/// </summary>
public static class GraphContract
{
    public const string InputIds = "input_ids";
    public const string AttentionMask = "attention_mask";
    public const string Logits = "logits";
    public const string PastKeyFormat = "past_key_values.%d.key";
    public const string PastValueFormat = "past_key_values.%d.value";
    public const string PresentKeyFormat = "present.%d.key";
    public const string PresentValueFormat = "present.%d.value";

    public static string PastKey(int layer) => Format(PastKeyFormat, layer);

    public static string PastValue(int layer) => Format(PastValueFormat, layer);

    public static string PresentKey(int layer) => Format(PresentKeyFormat, layer);

    public static string PresentValue(int layer) => Format(PresentValueFormat, layer);

    private static string Format(string format, int layer) => format.Replace("%d", layer.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
}
