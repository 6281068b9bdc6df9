using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeLLM.Server.Protocol;

/// <summary>Source-generated JSON for every request and response body (no reflection: NativeAOT-clean).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.Strict,
    MaxDepth = 32)]
[JsonSerializable(typeof(ChatCompletionRequest))]
[JsonSerializable(typeof(CompletionRequest))]
[JsonSerializable(typeof(ChatCompletion))]
[JsonSerializable(typeof(ChatCompletionChunk))]
[JsonSerializable(typeof(TextCompletion))]
[JsonSerializable(typeof(ModelList))]
[JsonSerializable(typeof(HealthStatus))]
[JsonSerializable(typeof(ErrorBody))]
internal sealed partial class ServerJsonContext : JsonSerializerContext
{
    /// <summary>The context the server writes with: text as UTF-8 (not \u escapes), as OpenAI's API sends it.</summary>
    public static ServerJsonContext Web { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.Strict,
        MaxDepth = 32,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
