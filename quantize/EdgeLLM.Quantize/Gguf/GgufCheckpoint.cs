using EdgeLLM.Format;
using EdgeLLM.Quantize.Checkpoints;

namespace EdgeLLM.Quantize.Gguf;

/// <summary>
/// A GGUF file seen as a Hugging Face checkpoint: its configuration from the metadata and every tensor
/// the configuration implies under its Hugging Face name, checked against the file's dimensions on open.
/// Tensors are views over the mapping that decode their ggml blocks on demand (<see cref="GgufTensorDecoder"/>),
/// with llama.cpp's Llama q/k row permutation undone.
/// </summary>
public sealed class GgufCheckpoint : ICheckpoint
{
    private readonly MappedGgufFile file;
    private readonly Dictionary<string, GgufTensorInfo> tensorOf;

    private GgufCheckpoint(MappedGgufFile file, ModelConfig config, Dictionary<string, GgufTensorInfo> tensorOf, IReadOnlyList<string> names)
    {
        this.file = file;
        Config = config;
        this.tensorOf = tensorOf;
        TensorNames = names;
    }

    public MappedGgufFile File => file;

    public ModelConfig Config { get; }

    public IReadOnlyList<string> TensorNames { get; }

    public static GgufCheckpoint Open(string path)
    {
        MappedGgufFile file = MappedGgufFile.Open(path);
        try
        {
            ModelConfig config = GgufModelConfig.Read(file);
            var tensorOf = new Dictionary<string, GgufTensorInfo>(StringComparer.Ordinal);
            var names = new List<string>();
            foreach ((string name, long[] shape) in HuggingFaceLayout.Tensors(config))
            {
                string ggufName = GgufTensorNames.FromHuggingFace(name);
                if (!file.Contains(ggufName))
                {
                    throw new EdgeLlmException($"{path}: tensor '{ggufName}' that a {config.ModelType} model of this metadata needs is missing");
                }

                GgufTensorInfo tensor = file.Tensor(ggufName);
                if (!tensor.Shape.SequenceEqual(shape))
                {
                    throw new EdgeLlmException(
                        $"{path}: tensor '{ggufName}' has dims [{string.Join(", ", tensor.Dimensions)}] but the metadata implies [{string.Join(", ", shape.Reverse())}]");
                }

                tensorOf[name] = tensor;
                names.Add(name);
            }

            return new GgufCheckpoint(file, config, tensorOf, names);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>The GGUF tensor behind a Hugging Face name.</summary>
    public GgufTensorInfo Source(string name)
        => tensorOf.TryGetValue(name, out GgufTensorInfo? tensor) ? tensor : throw new EdgeLlmException($"{file.Path}: checkpoint has no tensor '{name}'");

    public bool Contains(string name) => tensorOf.ContainsKey(name);

    public TensorView GetTensor(string name)
    {
        GgufTensorInfo tensor = Source(name);
        long[] shape = tensor.Shape;
        int heads = Gguf.GgufExporter.QkPermutationHeads(Config, name);
        long[]? order = heads == 0 ? null : InverseRowOrder(shape[0], heads);
        return new TensorView(name, shape, tensor.ByteCount, new GgufTensorDecoder(file, tensor, order));
    }

    public long ByteCount(string name) => Source(name).ByteCount;

    public void Release(string name)
    {
        if (tensorOf.TryGetValue(name, out GgufTensorInfo? tensor))
        {
            file.Release(tensor);
        }
    }

    public void Dispose() => file.Dispose();

    /// <summary>For each Hugging Face row, the row llama.cpp's permutation moved it to (the inverse of the exporter's).</summary>
    public static long[] InverseRowOrder(long rowCount, int heads)
    {
        var order = new long[rowCount];
        for (long fileRow = 0; fileRow < rowCount; fileRow++)
        {
            order[GgufExporter.PermutedSourceRow(fileRow, rowCount, heads)] = fileRow;
        }

        return order;
    }
}
