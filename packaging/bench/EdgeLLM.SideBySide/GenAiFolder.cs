using System.Text.Json.Nodes;

namespace EdgeLLM.SideBySide;

/// <summary>
/// A view of an EdgeLLM model folder for ONNX Runtime GenAI with a fixed thread count: every file
/// symlinked, genai_config.json rewritten with session_options.intra_op_num_threads (the model folder
/// itself is never modified).
/// </summary>
internal sealed class GenAiFolder : IDisposable
{
    public GenAiFolder(string modelFolder, int threads)
    {
        Path = Directory.CreateTempSubdirectory("edgellm-genai-").FullName;
        foreach (string file in Directory.EnumerateFiles(modelFolder))
        {
            string name = System.IO.Path.GetFileName(file);
            if (name != "genai_config.json")
            {
                File.CreateSymbolicLink(System.IO.Path.Combine(Path, name), System.IO.Path.GetFullPath(file));
            }
        }

        JsonNode config = JsonNode.Parse(File.ReadAllText(System.IO.Path.Combine(modelFolder, "genai_config.json")))
            ?? throw new InvalidDataException($"{modelFolder}/genai_config.json is empty");
        JsonObject sessionOptions = config["model"]!["decoder"]!["session_options"]!.AsObject();
        sessionOptions["intra_op_num_threads"] = threads;
        sessionOptions["inter_op_num_threads"] = 1;
        File.WriteAllText(System.IO.Path.Combine(Path, "genai_config.json"), config.ToJsonString());
    }

    public string Path { get; }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
