using EdgeLLM.Format;

namespace EdgeLLM.Quantize.Checkpoints;

/// <summary>
/// A Hugging Face checkpoint folder: <c>config.json</c> (+ <c>generation_config.json</c>) and either
/// <c>model.safetensors</c> or <c>model.safetensors.index.json</c> with its shards, all memory-mapped.
/// Opening checks that every tensor <see cref="HuggingFaceLayout"/> expects is present with the right
/// shape; extra tensors (rotary inv_freq and the like) are ignored.
/// </summary>
public sealed class CheckpointFolder : ICheckpoint
{
    public const string SingleFileName = "model.safetensors";

    private readonly List<SafetensorsFile> files;
    private readonly Dictionary<string, SafetensorsFile> fileOf;

    private CheckpointFolder(string folder, ModelConfig config, List<SafetensorsFile> files, Dictionary<string, SafetensorsFile> fileOf, IReadOnlyList<string> tensorNames)
    {
        Folder = folder;
        Config = config;
        this.files = files;
        this.fileOf = fileOf;
        TensorNames = tensorNames;
    }

    public string Folder { get; }

    public ModelConfig Config { get; }

    /// <summary>The tensors the configuration implies, in Hugging Face layout order.</summary>
    public IReadOnlyList<string> TensorNames { get; }

    /// <summary>The mapped safetensors files (one, or one per shard).</summary>
    public IReadOnlyList<SafetensorsFile> Files => files;

    public static CheckpointFolder Open(string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"checkpoint folder '{folder}' not found");
        }

        ModelConfig config = ModelConfig.Load(folder);
        var files = new List<SafetensorsFile>();
        try
        {
            Dictionary<string, SafetensorsFile> fileOf = OpenTensorFiles(folder, files);
            var names = new List<string>();
            foreach ((string name, long[] shape) in HuggingFaceLayout.Tensors(config))
            {
                if (!fileOf.TryGetValue(name, out SafetensorsFile? file))
                {
                    throw new EdgeLlmException($"{folder}: tensor '{name}' that a {config.ModelType} model of this config.json needs is missing");
                }

                SafetensorsEntry entry = file.GetEntry(name);
                if (!entry.Shape.SequenceEqual(shape))
                {
                    throw new EdgeLlmException(
                        $"{file.Path}: tensor '{name}' has shape {SafetensorsEntry.FormatShape(entry.Shape)} but config.json implies {SafetensorsEntry.FormatShape(shape)}");
                }

                names.Add(name);
            }

            return new CheckpointFolder(folder, config, files, fileOf, names);
        }
        catch
        {
            files.ForEach(file => file.Dispose());
            throw;
        }
    }

    public bool Contains(string name) => fileOf.ContainsKey(name);

    public TensorView GetTensor(string name)
        => fileOf.TryGetValue(name, out SafetensorsFile? file)
            ? file.GetTensor(name)
            : throw new EdgeLlmException($"{Folder}: checkpoint has no tensor '{name}'");

    public long ByteCount(string name)
        => fileOf.TryGetValue(name, out SafetensorsFile? file)
            ? file.GetEntry(name).ByteCount
            : throw new EdgeLlmException($"{Folder}: checkpoint has no tensor '{name}'");

    public void Release(string name)
    {
        if (fileOf.TryGetValue(name, out SafetensorsFile? file))
        {
            file.Release(name);
        }
    }

    public void Dispose()
    {
        files.ForEach(file => file.Dispose());
        files.Clear();
        fileOf.Clear();
    }

    private static Dictionary<string, SafetensorsFile> OpenTensorFiles(string folder, List<SafetensorsFile> files)
    {
        var fileOf = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
        string indexPath = Path.Combine(folder, SafetensorsIndex.FileName);
        if (File.Exists(indexPath))
        {
            SafetensorsIndex index = SafetensorsIndex.Load(indexPath);
            var shards = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
            foreach (string shardName in index.ShardFiles)
            {
                string shardPath = Path.Combine(folder, shardName);
                if (!File.Exists(shardPath))
                {
                    throw new FileNotFoundException($"{indexPath}: names shard '{shardName}', which is not in the folder", shardPath);
                }

                SafetensorsFile shard = SafetensorsFile.Open(shardPath);
                files.Add(shard);
                shards[shardName] = shard;
            }

            foreach ((string tensor, string shardName) in index.WeightMap)
            {
                SafetensorsFile shard = shards[shardName];
                if (!shard.Contains(tensor))
                {
                    throw new EdgeLlmException($"{indexPath}: tensor '{tensor}' is listed in shard '{shardName}' but that file does not hold it");
                }

                fileOf[tensor] = shard;
            }

            return fileOf;
        }

        string singlePath = Path.Combine(folder, SingleFileName);
        if (!File.Exists(singlePath))
        {
            throw new FileNotFoundException($"{folder}: neither {SingleFileName} nor {SafetensorsIndex.FileName} found", singlePath);
        }

        SafetensorsFile single = SafetensorsFile.Open(singlePath);
        files.Add(single);
        foreach (string tensor in single.TensorNames)
        {
            fileOf[tensor] = single;
        }

        return fileOf;
    }
}
