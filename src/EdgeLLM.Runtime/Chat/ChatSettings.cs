namespace EdgeLLM.Runtime.Chat;

/// <summary>Per-request chat settings (a UI's settings dialog edits these).</summary>
public sealed record ChatSettings
{
    public string? SystemPrompt { get; init; }

    /// <summary>Null: the model's generation_config.json default.</summary>
    public double? Temperature { get; init; }

    public double? TopP { get; init; }

    public int? TopK { get; init; }

    public double? MinP { get; init; }

    public double? RepetitionPenalty { get; init; }

    public ulong? Seed { get; init; }

    public int MaxTokens { get; init; } = 1024;

    public ThinkMode Think { get; init; } = ThinkMode.On;

    /// <summary>After this many reasoning tokens the block is closed and the answer follows; null: no budget.</summary>
    public int? ThinkBudget { get; init; }
}
