using System.Text.Json;

namespace EdgeLLM.Server.Protocol;

/// <summary>The options both completion endpoints share (OpenAI's names, plus EdgeLLM's and llama.cpp's extensions).</summary>
public abstract class SamplingFields
{
    public int? MaxTokens { get; set; }

    public int? MaxCompletionTokens { get; set; }

    public double? Temperature { get; set; }

    public double? TopP { get; set; }

    public int? TopK { get; set; }

    public double? MinP { get; set; }

    public long? Seed { get; set; }

    /// <summary>A string or a list of strings.</summary>
    public JsonElement Stop { get; set; }

    public double? PresencePenalty { get; set; }

    public double? FrequencyPenalty { get; set; }

    public double? RepetitionPenalty { get; set; }

    public int? N { get; set; }

    public bool? Stream { get; set; }

    public StreamOptions? StreamOptions { get; set; }

    /// <summary>Extension: after this many reasoning tokens the reasoning is closed and the answer follows.</summary>
    public int? ThinkBudget { get; set; }

    /// <summary>Extension (as llama.cpp): "deepseek" puts reasoning in reasoning_content, "none" leaves it in content.</summary>
    public string? ReasoningFormat { get; set; }

    public JsonElement Tools { get; set; }

    public bool? Logprobs { get; set; }
}

/// <summary>stream_options: include_usage adds a last chunk with the usage.</summary>
public sealed class StreamOptions
{
    public bool? IncludeUsage { get; set; }
}
