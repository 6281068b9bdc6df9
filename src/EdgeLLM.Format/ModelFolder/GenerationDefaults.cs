using System.Text.Json;
using EdgeLLM.Format.Files;

namespace EdgeLLM.Format.ModelFolder;

/// <summary>Sampling defaults a checkpoint ships in generation_config.json (null where not given).</summary>
public sealed record GenerationDefaults
{
    public const string FileName = "generation_config.json";

    public static GenerationDefaults None { get; } = new();

    /// <summary>The defaults in <c>folder/generation_config.json</c>, or <see cref="None"/> when the file is absent.</summary>
    public static GenerationDefaults Load(string folder)
    {
        string path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
        {
            return None;
        }

        using JsonDocument document = JsonFile.Parse(File.ReadAllText(path), path);
        return Read(document.RootElement, path);
    }

    /// <summary>The sampling fields of a parsed generation_config.json (<paramref name="source"/> names it in errors).</summary>
    public static GenerationDefaults Read(JsonElement root, string source) => new()
    {
        DoSample = ConfigFields.OptionalBool(root, "do_sample"),
        Temperature = ConfigFields.OptionalDouble(root, "temperature", source),
        TopP = ConfigFields.OptionalDouble(root, "top_p", source),
        TopK = ConfigFields.OptionalInt(root, "top_k", source),
        MinP = ConfigFields.OptionalDouble(root, "min_p", source),
        RepetitionPenalty = ConfigFields.OptionalDouble(root, "repetition_penalty", source),
    };

    public bool? DoSample { get; init; }

    public double? Temperature { get; init; }

    public double? TopP { get; init; }

    public int? TopK { get; init; }

    public double? MinP { get; init; }

    public double? RepetitionPenalty { get; init; }
}
