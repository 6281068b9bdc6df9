namespace EdgeLLM.Server.Http;

/// <summary>A request that gets an OpenAI-shaped error: its HTTP status, error type, code and one-line message.</summary>
public sealed class ApiException(int status, string type, string? code, string message) : Exception(message)
{
    public int Status { get; } = status;

    public string Type { get; } = type;

    public string? Code { get; } = code;

    public int? PromptTokens { get; init; }

    public int? ContextLength { get; init; }

    public static ApiException Invalid(string message, string? code = null) => new(400, "invalid_request_error", code, message);
}
