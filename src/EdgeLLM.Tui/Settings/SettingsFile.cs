using System.Text;
using System.Text.Json;
using EdgeLLM.Format.Platform;
using EdgeLLM.Runtime.Chat;

namespace EdgeLLM.Tui.Settings;

/// <summary>
/// Reads and writes the settings JSON (format version 1) with JsonDocument/Utf8JsonWriter, so the
/// library stays trim- and AOT-clean. A missing file gives the defaults; a corrupt one is an
/// <see cref="InvalidDataException"/> naming the file.
/// </summary>
public static class SettingsFile
{
    public const int FormatVersion = 1;

    public static string DefaultPath => UserFolders.ChatSettings();

    public static TuiSettings Load(string path)
    {
        if (!File.Exists(path))
        {
            return new TuiSettings();
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{path}: settings must be a JSON object");
            }

            int format = root.TryGetProperty("format", out JsonElement formatElement) ? formatElement.GetInt32() : 0;
            if (format != FormatVersion)
            {
                throw new InvalidDataException($"{path}: settings format {format} is not supported (expected {FormatVersion})");
            }

            var defaults = new TuiSettings();
            var loaded = new TuiSettings
            {
                SystemPrompt = OptionalString(root, "system_prompt"),
                Temperature = OptionalDouble(root, "temperature"),
                TopP = OptionalDouble(root, "top_p"),
                MaxTokens = OptionalInt(root, "max_tokens") ?? defaults.MaxTokens,
                Think = OptionalString(root, "think") is { } think ? ParseThink(think, path) : defaults.Think,
                ThinkBudget = OptionalInt(root, "think_budget"),
                ContextLength = OptionalInt(root, "context") ?? defaults.ContextLength,
                LastModel = OptionalString(root, "last_model"),
            };
            Validate(loaded, path);
            return loaded;
        }
        catch (Exception exception) when (exception is JsonException or FormatException or InvalidOperationException)
        {
            throw new InvalidDataException($"{path}: settings are not valid JSON of the expected shape ({exception.Message})", exception);
        }
    }

    /// <summary>Writes atomically (temp file, then rename), creating the folder.</summary>
    public static void Save(string path, TuiSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Validate(settings, "settings");
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(folder);

        // Written whole under a unique name, flushed to disk, then renamed over the old file: a crash or a full
        // disk leaves the old settings, never a half-written file or a stray temporary.
        string temporary = Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            WriteTo(temporary, settings);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>
    /// Moves a settings file that could not be read aside (<c>settings.json.broken-&lt;UTC time&gt;</c>), so the
    /// defaults used instead never overwrite it; returns the new name.
    /// </summary>
    public static string SetAside(string path)
    {
        string aside = $"{path}.broken-{DateTime.UtcNow:yyyyMMdd-HHmmss}";
        File.Move(path, aside, overwrite: false);
        return aside;
    }

    /// <summary>Every field in its range: one-line <see cref="InvalidDataException"/> naming <paramref name="source"/> and the field.</summary>
    public static void Validate(TuiSettings settings, string source)
    {
        ArgumentNullException.ThrowIfNull(settings);
        CheckRange(source, "temperature", settings.Temperature, 0, 5);
        CheckRange(source, "top_p", settings.TopP, 0, 1);
        if (settings.MaxTokens < 1)
        {
            throw new InvalidDataException($"{source}: max_tokens must be a whole number of at least 1, not {settings.MaxTokens}");
        }

        if (settings.ThinkBudget is < 0)
        {
            throw new InvalidDataException($"{source}: think_budget must be 0 or more, not {settings.ThinkBudget}");
        }

        if (settings.ContextLength is < 0 or (> 0 and < 16))
        {
            throw new InvalidDataException($"{source}: context must be 0 (automatic) or at least 16, not {settings.ContextLength}");
        }
    }

    private static void CheckRange(string source, string name, double? value, double minimum, double maximum)
    {
        if (value is { } number && (!double.IsFinite(number) || number < minimum || number > maximum))
        {
            throw new InvalidDataException($"{source}: {name} must be a number from {minimum} to {maximum}, not {number.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        }
    }

    private static void WriteTo(string temporary, TuiSettings settings)
    {
        using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            {
            writer.WriteStartObject();
            writer.WriteNumber("format", FormatVersion);
            WriteOptional(writer, "system_prompt", settings.SystemPrompt);
            WriteOptional(writer, "temperature", settings.Temperature);
            WriteOptional(writer, "top_p", settings.TopP);
            writer.WriteNumber("max_tokens", settings.MaxTokens);
            writer.WriteString("think", ThinkName(settings.Think));
            if (settings.ThinkBudget is { } budget)
            {
                writer.WriteNumber("think_budget", budget);
            }

            writer.WriteNumber("context", settings.ContextLength);
            WriteOptional(writer, "last_model", settings.LastModel);
            writer.WriteEndObject();
            }

            stream.Flush(flushToDisk: true);
        }
    }

    public static string ThinkName(ThinkMode mode) => mode switch
    {
        ThinkMode.On => "on",
        ThinkMode.Hide => "hide",
        ThinkMode.Off => "off",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, null),
    };

    public static ThinkMode ParseThink(string text, string source) => text.Trim().ToLowerInvariant() switch
    {
        "on" => ThinkMode.On,
        "hide" => ThinkMode.Hide,
        "off" => ThinkMode.Off,
        _ => throw new InvalidDataException($"{source}: think must be on, hide or off, not \"{text}\""),
    };

    private static string? OptionalString(JsonElement root, string name)
        => root.TryGetProperty(name, out JsonElement element) && element.ValueKind != JsonValueKind.Null ? element.GetString() : null;

    private static double? OptionalDouble(JsonElement root, string name)
        => root.TryGetProperty(name, out JsonElement element) && element.ValueKind != JsonValueKind.Null ? element.GetDouble() : null;

    private static int? OptionalInt(JsonElement root, string name)
        => root.TryGetProperty(name, out JsonElement element) && element.ValueKind != JsonValueKind.Null ? element.GetInt32() : null;

    private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, double? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
    }
}
