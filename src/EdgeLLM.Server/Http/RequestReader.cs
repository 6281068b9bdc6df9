using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using EdgeLLM.Runtime.Chat;
using EdgeLLM.Server.Engine;
using EdgeLLM.Server.Protocol;
using Microsoft.AspNetCore.Http;

namespace EdgeLLM.Server.Http;

/// <summary>
/// Reads a request body (bounded by the server's limit) into the source-generated request types and checks every
/// field, turning each problem into a 400 that names the field; a valid request becomes a <see cref="CompletionJob"/>.
/// </summary>
internal static class RequestReader
{
    private const int MaxStopStrings = 16;
    private const int MaxStopLength = 256;

    public static async Task<T> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> type, long maxBytes, CancellationToken cancellation)
        where T : class
    {
        if (request.ContentLength is long declared && declared > maxBytes)
        {
            throw TooLarge(maxBytes);
        }

        byte[] body;
        try
        {
            using var buffer = new MemoryStream();
            byte[] chunk = new byte[16384];
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellation).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    throw TooLarge(maxBytes);
                }

                buffer.Write(chunk, 0, read);
            }

            body = buffer.ToArray();
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge(maxBytes);
        }

        if (body.Length == 0)
        {
            throw ApiException.Invalid("the request body is empty: send a JSON object");
        }

        try
        {
            return JsonSerializer.Deserialize(body, type) ?? throw ApiException.Invalid("the request body is null: send a JSON object");
        }
        catch (JsonException exception)
        {
            bool atRoot = string.IsNullOrEmpty(exception.Path) || exception.Path == "$";
            if (atRoot && exception.Message.Contains("could not be converted", StringComparison.Ordinal))
            {
                throw ApiException.Invalid("the body must be a JSON object", "invalid_json");
            }

            string where = atRoot ? string.Empty : $" at {exception.Path}";
            string what = exception.Message.Contains("could not be converted", StringComparison.Ordinal)
                ? "a value has the wrong type"
                : "the body is not valid JSON";
            throw ApiException.Invalid($"{what}{where} (line {exception.LineNumber + 1}, byte {exception.BytePositionInLine + 1})", "invalid_json");
        }
    }

    public static CompletionJob ChatJob(ChatCompletionRequest request, bool splitReasoningByDefault)
    {
        if (request.Messages is not { Count: > 0 } messages)
        {
            throw ApiException.Invalid("'messages' must be a non-empty list of {role, content}");
        }

        var conversation = new List<ChatMessage>(messages.Count);
        for (int index = 0; index < messages.Count; index++)
        {
            RequestMessage message = messages[index] ?? throw ApiException.Invalid($"'messages[{index}]' is null: each message is an object with role and content");
            string role = message.Role switch
            {
                "system" or "developer" => "system",
                "user" => "user",
                "assistant" => "assistant",
                null => throw ApiException.Invalid($"'messages[{index}].role' is missing"),
                _ => throw ApiException.Invalid($"'messages[{index}].role' is '{message.Role}': EdgeLLM takes system, developer, user and assistant"),
            };
            conversation.Add(new ChatMessage(role, ContentText(message.Content, index, role == "assistant")));
        }

        return Job(request, splitReasoningByDefault) with { Messages = conversation };
    }

    public static CompletionJob TextJob(CompletionRequest request)
    {
        string prompt = request.Prompt.ValueKind switch
        {
            JsonValueKind.String => request.Prompt.GetString()!,
            JsonValueKind.Array when request.Prompt.GetArrayLength() == 1 && request.Prompt[0].ValueKind == JsonValueKind.String => request.Prompt[0].GetString()!,
            JsonValueKind.Undefined or JsonValueKind.Null => throw ApiException.Invalid("'prompt' is missing"),
            _ => throw ApiException.Invalid("'prompt' must be a string (or a list holding one string)"),
        };
        if (prompt.Length == 0)
        {
            throw ApiException.Invalid("'prompt' is empty");
        }

        return Job(request, splitReasoningByDefault: false) with { Prompt = prompt, SplitReasoning = false };
    }

    /// <summary>True when the request asked for a stream.</summary>
    public static bool Streams(SamplingFields request) => request.Stream == true;

    /// <summary>True when a streamed reply should end with a usage chunk.</summary>
    public static bool StreamsUsage(SamplingFields request) => request.StreamOptions?.IncludeUsage == true;

    private static CompletionJob Job(SamplingFields request, bool splitReasoningByDefault)
    {
        if (request.N is int n && n != 1)
        {
            throw ApiException.Invalid($"'n' is {n}: EdgeLLM returns one choice per request (n = 1)");
        }

        if (request.Logprobs == true)
        {
            throw ApiException.Invalid("'logprobs' is not supported by EdgeLLM");
        }

        if (request.Tools.ValueKind == JsonValueKind.Array && request.Tools.GetArrayLength() > 0)
        {
            throw ApiException.Invalid("'tools' are not supported by EdgeLLM");
        }

        if (request.StreamOptions is not null && request.Stream != true)
        {
            throw ApiException.Invalid("'stream_options' is only allowed with 'stream': true");
        }

        Check(request.PresencePenalty, "presence_penalty", value => value is >= -2 and <= 2, "in [-2, 2] (0 = off)");
        Check(request.FrequencyPenalty, "frequency_penalty", value => value is >= -2 and <= 2, "in [-2, 2] (0 = off)");
        int? maxTokens = request.MaxCompletionTokens ?? request.MaxTokens;
        string limitName = request.MaxCompletionTokens is null ? "max_tokens" : "max_completion_tokens";
        if (maxTokens is int limit && limit < 1)
        {
            throw ApiException.Invalid($"'{limitName}' must be at least 1, not {limit}");
        }

        Check(request.Temperature, "temperature", value => value is >= 0 and <= 2, "between 0 and 2 (0 = greedy)");
        Check(request.TopP, "top_p", value => value is > 0 and <= 1, "in (0, 1]");
        Check(request.MinP, "min_p", value => value is >= 0 and <= 1, "in [0, 1]");
        Check(request.RepetitionPenalty, "repetition_penalty", value => value is > 0 and <= 10, "in (0, 10] (1 = off)");
        if (request.TopK is int topK && topK < 0)
        {
            throw ApiException.Invalid($"'top_k' must be 0 or more (0 = off), not {topK}");
        }

        if (request.ThinkBudget is int budget && budget < 0)
        {
            throw ApiException.Invalid($"'think_budget' must be 0 or more, not {budget}");
        }

        bool split = request.ReasoningFormat switch
        {
            null => splitReasoningByDefault,
            "deepseek" => true,
            "none" => false,
            _ => throw ApiException.Invalid($"'reasoning_format' is '{request.ReasoningFormat}': use none or deepseek"),
        };
        return new CompletionJob
        {
            Settings = new ChatSettings
            {
                Temperature = request.Temperature,
                TopP = request.TopP,
                TopK = request.TopK,
                MinP = request.MinP,
                RepetitionPenalty = request.RepetitionPenalty,
                Seed = request.Seed is long seed ? unchecked((ulong)seed) : null,
                ThinkBudget = request.ThinkBudget,
                Think = ThinkMode.On,
            },
            MaxTokens = maxTokens,
            PresencePenalty = request.PresencePenalty ?? 0,
            FrequencyPenalty = request.FrequencyPenalty ?? 0,
            Stop = StopStrings(request.Stop),
            SplitReasoning = split,
        };
    }

    private static void Check(double? value, string name, Func<double, bool> valid, string range)
    {
        if (value is double number && !valid(number))
        {
            throw ApiException.Invalid($"'{name}' must be {range}, not {number.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        }
    }

    private static List<string> StopStrings(JsonElement stop)
    {
        var stops = new List<string>();
        switch (stop.ValueKind)
        {
            case JsonValueKind.Undefined or JsonValueKind.Null:
                return stops;
            case JsonValueKind.String:
                stops.Add(stop.GetString()!);
                break;
            case JsonValueKind.Array:
                foreach (JsonElement item in stop.EnumerateArray())
                {
                    stops.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : throw ApiException.Invalid("'stop' must be a string or a list of strings"));
                }

                break;
            default:
                throw ApiException.Invalid("'stop' must be a string or a list of strings");
        }

        if (stops.Count > MaxStopStrings)
        {
            throw ApiException.Invalid($"'stop' has {stops.Count} strings; at most {MaxStopStrings}");
        }

        if (stops.Any(text => text.Length == 0 || text.Length > MaxStopLength))
        {
            throw ApiException.Invalid($"each 'stop' string must have 1 to {MaxStopLength} characters");
        }

        return stops;
    }

    private static string ContentText(JsonElement content, int index, bool assistant)
    {
        switch (content.ValueKind)
        {
            case JsonValueKind.String:
                return content.GetString()!;
            case JsonValueKind.Null or JsonValueKind.Undefined when assistant:
                return string.Empty;
            case JsonValueKind.Array:
                var text = new System.Text.StringBuilder();
                foreach (JsonElement part in content.EnumerateArray())
                {
                    if (part.ValueKind != JsonValueKind.Object
                        || !part.TryGetProperty("type", out JsonElement type) || type.ValueKind != JsonValueKind.String || type.GetString() != "text"
                        || !part.TryGetProperty("text", out JsonElement value) || value.ValueKind != JsonValueKind.String)
                    {
                        throw ApiException.Invalid($"'messages[{index}].content' parts must be {{\"type\": \"text\", \"text\": \"...\"}}: EdgeLLM reads text only");
                    }

                    text.Append(value.GetString());
                }

                return text.ToString();
            default:
                throw ApiException.Invalid($"'messages[{index}].content' must be a string or a list of text parts");
        }
    }

    private static ApiException TooLarge(long maxBytes)
        => new(StatusCodes.Status413PayloadTooLarge, "invalid_request_error", "request_too_large", $"the request body is larger than the server's limit of {maxBytes} bytes");
}
