namespace EdgeLLM.Server.Protocol;

/// <summary>OpenAI's error shape: {"error":{"message","type","code"}}.</summary>
public sealed record ErrorBody(ErrorDetail Error);

/// <summary>The error; n_prompt_tokens and n_ctx only for exceed_context_size_error (as llama.cpp sends them).</summary>
public sealed record ErrorDetail(string Message, string Type, [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.Never)] string? Code)
{
    public int? NPromptTokens { get; init; }

    public int? NCtx { get; init; }
}
