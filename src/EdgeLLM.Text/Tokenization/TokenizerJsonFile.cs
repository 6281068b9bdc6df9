using System.Text.Json;
using EdgeLLM.Format;

namespace EdgeLLM.Text.Tokenization;

/// <summary>
/// tokenizer.json read in one forward pass: the model's vocabulary and merges (almost all of the 6–11 MB) go
/// straight into their collections; every other part is kept as a small <see cref="JsonElement"/>.
/// </summary>
internal sealed class TokenizerJsonFile : IDisposable
{
    private readonly List<JsonDocument> _documents = [];

    private TokenizerJsonFile(string path) => Path = path;

    public string Path { get; }

    /// <summary>Top-level parts other than <c>model</c> (added_tokens, normalizer, pre_tokenizer, ...).</summary>
    public Dictionary<string, JsonElement> Root { get; } = new(StringComparer.Ordinal);

    /// <summary>The model's parts other than vocab and merges (type, unk_token, byte_fallback, ...).</summary>
    public Dictionary<string, JsonElement> Model { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, int> Vocabulary { get; } = new(capacity: 160_000, StringComparer.Ordinal);

    /// <summary>Merges as "left right" strings (the file holds either that or [left, right] pairs).</summary>
    public List<string> Merges { get; } = new(capacity: 300_000);

    public static TokenizerJsonFile Read(string path, byte[] bytes)
    {
        var file = new TokenizerJsonFile(path);
        try
        {
            var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = 256 });
            file.Expect(ref reader, JsonTokenType.StartObject, "the file");
            bool modelSeen = false;
            while (file.NextProperty(ref reader, out string name))
            {
                if (name == "model")
                {
                    file.ReadModel(ref reader);
                    modelSeen = true;
                }
                else
                {
                    file.Root[name] = file.ReadValue(ref reader);
                }
            }

            return modelSeen ? file : throw new EdgeLlmException($"{path}: 'model' is missing");
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        foreach (JsonDocument document in _documents)
        {
            document.Dispose();
        }
    }

    private void ReadModel(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.StartObject, "model");
        bool vocabularySeen = false;
        bool mergesSeen = false;
        while (NextProperty(ref reader, out string name))
        {
            switch (name)
            {
                case "vocab":
                    RequireBpe();
                    ReadVocabulary(ref reader);
                    vocabularySeen = true;
                    break;
                case "merges":
                    RequireBpe();
                    ReadMerges(ref reader);
                    mergesSeen = true;
                    break;
                default:
                    Model[name] = ReadValue(ref reader);
                    break;
            }
        }

        RequireBpe();
        if (!vocabularySeen || !mergesSeen)
        {
            throw new EdgeLlmException($"{Path}: model.{(vocabularySeen ? "merges" : "vocab")} is missing");
        }
    }

    private void RequireBpe()
    {
        string type = Model.TryGetValue("type", out JsonElement typeElement) && typeElement.ValueKind == JsonValueKind.String ? typeElement.GetString()! : "BPE";
        if (type != "BPE")
        {
            throw new EdgeLlmException($"{Path}: model type '{type}' is not supported (only BPE)");
        }
    }

    private void ReadVocabulary(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.StartObject, "model.vocab");
        while (NextProperty(ref reader, out string piece))
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out int id) || id < 0)
            {
                throw new EdgeLlmException($"{Path}: model.vocab entry '{piece}' has no valid id");
            }

            Vocabulary[piece] = id;
        }
    }

    private void ReadMerges(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.StartArray, "model.merges");
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.String)
            {
                Merges.Add(reader.GetString()!);
                continue;
            }

            string? left = null;
            string? right = null;
            if (reader.TokenType == JsonTokenType.StartArray && reader.Read() && reader.TokenType == JsonTokenType.String)
            {
                left = reader.GetString();
                if (reader.Read() && reader.TokenType == JsonTokenType.String)
                {
                    right = reader.GetString();
                }
            }

            if (left is null || right is null || !reader.Read() || reader.TokenType != JsonTokenType.EndArray)
            {
                throw new EdgeLlmException($"{Path}: model.merges entry {Merges.Count} is neither \"a b\" nor [a, b]");
            }

            if (left.Contains(' ', StringComparison.Ordinal) || right.Contains(' ', StringComparison.Ordinal))
            {
                throw new EdgeLlmException($"{Path}: model.merges entry {Merges.Count} has a piece containing a space");
            }

            Merges.Add(string.Concat(left, " ", right));
        }
    }

    private JsonElement ReadValue(ref Utf8JsonReader reader)
    {
        JsonDocument document = JsonDocument.ParseValue(ref reader);
        _documents.Add(document);
        return document.RootElement;
    }

    /// <summary>Moves to the next property name of the current object; false at its end.</summary>
    private bool NextProperty(ref Utf8JsonReader reader, out string name)
    {
        if (!reader.Read())
        {
            throw new EdgeLlmException($"{Path}: the file ends inside an object");
        }

        name = reader.TokenType == JsonTokenType.PropertyName ? reader.GetString()! : "";
        return reader.TokenType == JsonTokenType.PropertyName;
    }

    private void Expect(ref Utf8JsonReader reader, JsonTokenType type, string part)
    {
        if (!reader.Read() || reader.TokenType != type)
        {
            throw new EdgeLlmException($"{Path}: {part} is not a JSON {(type == JsonTokenType.StartArray ? "array" : "object")}");
        }
    }
}
