using System.Text.Json;
using EdgeLLM.Format.Files;
using EdgeLLM.Format;

namespace EdgeLLM.Runtime.Chat;

/// <summary>Reads an OpenAI-style conversation: a JSON list of {"role": ..., "content": ...}.</summary>
public static class ConversationFile
{
    private static readonly string[] Roles = ["system", "user", "assistant", "tool"];

    public static IReadOnlyList<ChatMessage> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"conversation file '{path}' not found", path);
        }

        return Parse(File.ReadAllText(path), path);
    }

    public static IReadOnlyList<ChatMessage> Parse(string json, string source)
    {
        using (JsonDocument document = JsonFile.Parse(json, source))
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("messages", out JsonElement wrapped))
            {
                root = wrapped;
            }

            if (root.ValueKind != JsonValueKind.Array)
            {
                throw new EdgeLlmException($"{source}: expected a JSON list of {{\"role\", \"content\"}} messages");
            }

            var messages = new List<ChatMessage>();
            int index = 0;
            foreach (JsonElement item in root.EnumerateArray())
            {
                string? role = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("role", out JsonElement roleElement) ? roleElement.GetString() : null;
                string? content = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("content", out JsonElement contentElement) && contentElement.ValueKind == JsonValueKind.String ? contentElement.GetString() : null;
                if (role is null || !Roles.Contains(role))
                {
                    throw new EdgeLlmException($"{source}: message {index} needs a role ({string.Join(", ", Roles)})");
                }

                if (content is null)
                {
                    throw new EdgeLlmException($"{source}: message {index} needs a string content");
                }

                messages.Add(new ChatMessage(role, content));
                index++;
            }

            return messages.Count > 0 ? messages : throw new EdgeLlmException($"{source}: the conversation is empty");
        }
    }
}
