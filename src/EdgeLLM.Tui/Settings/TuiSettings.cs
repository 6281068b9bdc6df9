using EdgeLLM.Runtime.Chat;

namespace EdgeLLM.Tui.Settings;

/// <summary>What the settings dialog edits and ~/.edgellm/settings.json keeps between sessions.</summary>
public sealed record TuiSettings
{
    /// <summary>What every request is sent with: system prompt, sampling, max tokens, think mode and budget.</summary>
    public ChatSettings Chat { get; init; } = new();

    /// <summary>KV cache length in tokens; 0: the model's (or the memory planner's) choice.</summary>
    public int ContextLength { get; init; }

    /// <summary>The model folder used last (preselected in the picker).</summary>
    public string? LastModel { get; init; }
}
