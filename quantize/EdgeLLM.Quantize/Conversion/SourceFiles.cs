using EdgeLLM.Format.Files;
using EdgeLLM.Quantize.Checkpoints;

namespace EdgeLLM.Quantize.Conversion;

/// <summary>
/// The files of a checkpoint folder a conversion reads, with size and XXH3-128 checksum, for
/// <c>source.files</c> in edgellm.json: config.json, generation_config.json, model.safetensors (or
/// the index and every shard it names) and the tokenizer files that are present.
/// </summary>
public static class SourceFiles
{
    public static IReadOnlyList<OutputFile> Describe(string folder)
    {
        var names = new List<string> { "config.json" };
        string indexPath = Path.Combine(folder, SafetensorsIndex.FileName);
        if (File.Exists(indexPath))
        {
            names.Add(SafetensorsIndex.FileName);
            names.AddRange(SafetensorsIndex.Load(indexPath).ShardFiles);
        }
        else
        {
            names.Add(CheckpointFolder.SingleFileName);
        }

        names.AddRange(ModelConverter.TokenizerFiles);
        var files = new List<OutputFile>();
        foreach (string name in names.Distinct(StringComparer.Ordinal))
        {
            string path = Path.Combine(folder, name);
            if (File.Exists(path))
            {
                files.Add(new OutputFile(name, new FileInfo(path).Length, FileChecksum.Of(path)));
            }
        }

        return files;
    }
}
