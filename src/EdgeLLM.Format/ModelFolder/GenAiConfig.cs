using System.Text.Json;
using EdgeLLM.Format.Files;

namespace EdgeLLM.Format.ModelFolder;

/// <summary>
/// <c>genai_config.json</c>, the ONNX Runtime GenAI description of the decoder graph that the converter
/// writes beside the model; the runtime reads its end-of-sequence ids from it.
/// </summary>
public static class GenAiConfig
{
    public const string FileName = "genai_config.json";

    /// <summary><c>model.eos_token_id</c> (one id or a list) of <c>folder/genai_config.json</c>; empty when the file or the field is absent.</summary>
    public static IReadOnlyList<int> ReadEndOfSequenceIds(string folder)
    {
        string path = Path.Combine(folder, FileName);
        var ids = new List<int>();
        if (!File.Exists(path))
        {
            return ids;
        }

        using JsonDocument document = JsonFile.Parse(path);
        if (document.RootElement.TryGetProperty("model", out JsonElement model) && model.TryGetProperty("eos_token_id", out JsonElement eos))
        {
            if (eos.ValueKind == JsonValueKind.Number)
            {
                ids.Add(eos.GetInt32());
            }
            else if (eos.ValueKind == JsonValueKind.Array)
            {
                ids.AddRange(eos.EnumerateArray().Select(item => item.GetInt32()));
            }
        }

        return ids;
    }
}
