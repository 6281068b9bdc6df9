using EdgeLLM.Format.ModelFolder;
using EdgeLLM.Quantize.Conversion;

namespace EdgeLLM.Quantize.Gguf;

/// <summary>
/// GGUF file → EdgeLLM model folder: the file is opened and validated as a <see cref="GgufCheckpoint"/>,
/// its tokenizer rebuilt from the metadata (<see cref="GgufTokenizerFiles"/>), and the converter writes the
/// folder with the source file, its tensor type mix and XXH3-128 recorded in edgellm.json.
/// </summary>
public static class GgufImporter
{
    public static ConversionResult Import(GgufCheckpoint checkpoint, string outputFolder, ConversionOptions options, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(options);
        MappedGgufFile file = checkpoint.File;
        IReadOnlyList<(string Name, byte[] Content)> tokenizer = GgufTokenizerFiles.Build(file);
        var types = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (GgufTensorInfo tensor in file.Tensors)
        {
            types[tensor.Type.ToString()] = types.GetValueOrDefault(tensor.Type.ToString()) + 1;
        }

        var storedAs = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (string type in types.Keys)
        {
            storedAs[type] = type is "F32" or "F16" or "BF16" ? $"as {options.Precision.Name()} asks" : $"dequantized, then {options.Precision.Name()}";
        }

        return ModelConverter.Convert(checkpoint, outputFolder, options with
        {
            SourceFolder = null,
            SourceFile = Path.GetFullPath(file.Path),
            SourceDetails = new SourceDetails($"gguf v{file.Version}", types, storedAs),
            GeneratedFiles = tokenizer,
        }, cancellation);
    }
}
