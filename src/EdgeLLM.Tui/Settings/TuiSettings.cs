using EdgeLLM.Runtime.Chat;

namespace EdgeLLM.Tui.Settings;

/// <summary>What the settings dialog edits and ~/.edgellm/settings.json keeps between sessions.</summary>
public sealed record TuiSettings
{
    public string? SystemPrompt { get; init; }

    /// <summary>Null: the model's own default.</summary>
    public double? Temperature { get; init; }

    /// <summary>Null: the model's own default.</summary>
    public double? TopP { get; init; }

    public int MaxTokens { get; init; } = 1024;

    public ThinkMode Think { get; init; } = ThinkMode.On;

    /// <summary>Reasoning tokens before the answer is forced; null: no budget.</summary>
    public int? ThinkBudget { get; init; }

    /// <summary>KV cache length in tokens; 0: the model's (or the memory planner's) choice.</summary>
    public int ContextLength { get; init; }

    /// <summary>The model folder used last (preselected in the picker).</summary>
    public string? LastModel { get; init; }

    public ChatSettings ToChatSettings() => new()
    {
        SystemPrompt = string.IsNullOrWhiteSpace(SystemPrompt) ? null : SystemPrompt,
        Temperature = Temperature,
        TopP = TopP,
        MaxTokens = MaxTokens,
        Think = Think,
        ThinkBudget = ThinkBudget,
    };
}
