using System.Text;
using System.Text.Json;
using EdgeLLM.Format;
using EdgeLLM.Format.Platform;
using EdgeLLM.Runtime.Chat;

namespace EdgeLLM.Tui.Settings;

/// <summary>
/// Reads and writes the settings JSON (format version 1) with JsonDocument/Utf8JsonWriter, so the
/// library stays trim- and AOT-clean. The file is flat (system_prompt, temperature, ... context, last_model);
/// <see cref="TuiSettings.Chat"/> is mapped to and from its fields here. Sampling fields the dialog does not
/// edit (top_k, min_p, repetition_penalty, seed) are written only when set, so a file with the defaults is
/// the same as before they were kept. A missing file gives the defaults; a corrupt one is an
/// <see cref="EdgeLlmException"/> naming the file.
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
                throw new EdgeLlmException($"{path}: settings must be a JSON object");
            }

            int format = root.TryGetProperty("format", out JsonElement formatElement) ? formatElement.GetInt32() : 0;
            if (format != FormatVersion)
            {
                throw new EdgeLlmException($"{path}: settings format {format} is not supported (expected {FormatVersion})");
            }

            var defaults = new ChatSettings();
            var loaded = new TuiSettings
            {
                Chat = new ChatSettings
                {
                    // A blank prompt is no prompt (as the dialog reads it).
                    SystemPrompt = OptionalString(root, "system_prompt") is { } prompt && !string.IsNullOrWhiteSpace(prompt) ? prompt : null,
                    Temperature = OptionalDouble(root, "temperature"),
                    TopP = OptionalDouble(root, "top_p"),
                    TopK = OptionalInt(root, "top_k"),
                    MinP = OptionalDouble(root, "min_p"),
                    RepetitionPenalty = OptionalDouble(root, "repetition_penalty"),
                    Seed = root.TryGetProperty("seed", out JsonElement seed) && seed.ValueKind != JsonValueKind.Null ? seed.GetUInt64() : null,
                    MaxTokens = OptionalInt(root, "max_tokens") ?? defaults.MaxTokens,
                    Think = OptionalString(root, "think") is { } think ? ParseThink(think, path) : defaults.Think,
                    ThinkBudget = OptionalInt(root, "think_budget"),
                },
                ContextLength = OptionalInt(root, "context") ?? 0,
                LastModel = OptionalString(root, "last_model"),
            };
            Validate(loaded, path);
            return loaded;
        }
        catch (Exception exception) when (exception is JsonException or FormatException or InvalidOperationException)
        {
            throw new EdgeLlmException($"{path}: settings are not valid JSON of the expected shape ({exception.Message})", exception);
        }
    }

    /// <summary>
    /// <see cref="Load"/>, or the defaults with <paramref name="problem"/> saying why: a file that cannot be read is
    /// kept, renamed aside (<see cref="SetAside"/>) so the next save does not overwrite it, and named in the sentence.
    /// </summary>
    public static TuiSettings LoadOrDefaults(string path, out string? problem)
    {
        try
        {
            problem = null;
            return Load(path);
        }
        catch (EdgeLlmException exception)
        {
            string kept;
            try
            {
                kept = $"the file was renamed to {SetAside(path)}";
            }
            catch (Exception moveException) when (moveException is IOException or UnauthorizedAccessException)
            {
                kept = $"it could not be renamed aside ({moveException.Message})";
            }

            problem = $"Settings were not read, the defaults are used: {exception.Message}; {kept}";
            return new TuiSettings();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            problem = $"Settings were not read, the defaults are used: {exception.Message}";
            return new TuiSettings();
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

    /// <summary>Every field in its range: one-line <see cref="EdgeLlmException"/> naming <paramref name="source"/> and the field.</summary>
    public static void Validate(TuiSettings settings, string source)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ChatSettings chat = settings.Chat;
        CheckRange(source, "temperature", chat.Temperature, 0, 5);
        CheckRange(source, "top_p", chat.TopP, 0, 1);
        if (chat.TopK is < 0)
        {
            throw new EdgeLlmException($"{source}: top_k must be 0 (off) or more, not {chat.TopK}");
        }

        CheckRange(source, "min_p", chat.MinP, 0, 1);
        if (chat.RepetitionPenalty is { } penalty && !(double.IsFinite(penalty) && penalty > 0))
        {
            throw new EdgeLlmException($"{source}: repetition_penalty must be a number above 0 (1 is off), not {penalty.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        }

        if (chat.MaxTokens < 1)
        {
            throw new EdgeLlmException($"{source}: max_tokens must be a whole number of at least 1, not {chat.MaxTokens}");
        }

        if (chat.ThinkBudget is < 0)
        {
            throw new EdgeLlmException($"{source}: think_budget must be 0 or more, not {chat.ThinkBudget}");
        }

        if (settings.ContextLength is < 0 or (> 0 and < 16))
        {
            throw new EdgeLlmException($"{source}: context must be 0 (automatic) or at least 16, not {settings.ContextLength}");
        }
    }

    private static void CheckRange(string source, string name, double? value, double minimum, double maximum)
    {
        if (value is { } number && (!double.IsFinite(number) || number < minimum || number > maximum))
        {
            throw new EdgeLlmException($"{source}: {name} must be a number from {minimum} to {maximum}, not {number.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        }
    }

    private static void WriteTo(string temporary, TuiSettings settings)
    {
        using var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            ChatSettings chat = settings.Chat;
            writer.WriteStartObject();
            writer.WriteNumber("format", FormatVersion);
            WriteOptional(writer, "system_prompt", chat.SystemPrompt);
            WriteOptional(writer, "temperature", chat.Temperature);
            WriteOptional(writer, "top_p", chat.TopP);
            WriteOptional(writer, "top_k", chat.TopK);
            WriteOptional(writer, "min_p", chat.MinP);
            WriteOptional(writer, "repetition_penalty", chat.RepetitionPenalty);
            if (chat.Seed is { } seed)
            {
                writer.WriteNumber("seed", seed);
            }

            writer.WriteNumber("max_tokens", chat.MaxTokens);
            writer.WriteString("think", ThinkName(chat.Think));
            WriteOptional(writer, "think_budget", chat.ThinkBudget);
            writer.WriteNumber("context", settings.ContextLength);
            WriteOptional(writer, "last_model", settings.LastModel);
            writer.WriteEndObject();
        }

        stream.Flush(flushToDisk: true);
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
        _ => throw new EdgeLlmException($"{source}: think must be on, hide or off, not \"{text}\""),
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

    private static void WriteOptional(Utf8JsonWriter writer, string name, int? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
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
