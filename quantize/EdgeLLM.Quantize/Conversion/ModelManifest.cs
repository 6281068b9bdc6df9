using System.Text.Json;
using EdgeLLM.Quantize.Checkpoints;
using EdgeLLM.Quantize.Files;

namespace EdgeLLM.Quantize.Conversion;

/// <summary>
/// Writes <c>edgellm.json</c>, the manifest of a converted model folder (format_version 1): the tool,
/// the source checkpoint, precision, context, logits mode, model dimensions and every file's size and hash.
/// </summary>
public static class ModelManifest
{
    public const string FileName = "edgellm.json";

    public const int FormatVersion = 1;

    internal static void Write(Stream stream, ManifestContents contents)
    {
        ModelConfig config = contents.Config;
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteNumber("format_version", FormatVersion);
        json.WriteStartObject("tool");
        json.WriteString("name", "edgellm");
        json.WriteString("version", ToolVersion);
        json.WriteEndObject();
        json.WriteStartObject("source");
        if (contents.SourceFolder is { } source)
        {
            json.WriteString("path", source);
        }
        else
        {
            json.WriteNull("path");
        }

        json.WriteString("architecture", config.ModelType);
        if (config.TorchDtype is { } dtype)
        {
            json.WriteString("torch_dtype", dtype);
        }

        json.WriteEndObject();
        json.WriteString("precision", contents.Precision);
        json.WriteNumber("max_context", contents.ContextLength);
        json.WriteString("logits", contents.LastPositionLogitsOnly ? "last" : "all");
        json.WriteString("rotary", contents.FusedRotary ? "fused" : "separate");
        json.WriteStartObject("model");
        json.WriteNumber("layers", config.LayerCount);
        json.WriteNumber("hidden_size", config.HiddenSize);
        json.WriteNumber("intermediate_size", config.IntermediateSize);
        json.WriteNumber("heads", config.HeadCount);
        json.WriteNumber("kv_heads", config.KvHeadCount);
        json.WriteNumber("head_dim", config.HeadDim);
        json.WriteNumber("vocab_size", config.VocabSize);
        json.WriteBoolean("tied_embeddings", config.TieWordEmbeddings);
        json.WriteEndObject();
        json.WriteNumber("weights_bytes", contents.WeightBytes);
        json.WriteStartArray("files");
        foreach (OutputFile file in contents.Files)
        {
            json.WriteStartObject();
            json.WriteString("name", file.Name);
            json.WriteNumber("bytes", file.Bytes);
            json.WriteString(FileChecksum.Algorithm, file.Checksum);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>The converter's version (the assembly version, major.minor.patch).</summary>
    public static string ToolVersion { get; } = typeof(ModelManifest).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}

/// <summary>Everything edgellm.json records.</summary>
internal sealed record ManifestContents(
    ModelConfig Config,
    string? SourceFolder,
    string Precision,
    int ContextLength,
    bool LastPositionLogitsOnly,
    bool FusedRotary,
    long WeightBytes,
    IReadOnlyList<OutputFile> Files);
