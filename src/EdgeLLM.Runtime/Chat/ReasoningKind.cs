namespace EdgeLLM.Runtime.Chat;

/// <summary>Which part of an R1-style reply a piece of text belongs to.</summary>
public enum ReasoningKind
{
    /// <summary>Between <c>&lt;think&gt;</c> and <c>&lt;/think&gt;</c>.</summary>
    Reasoning,

    /// <summary>After <c>&lt;/think&gt;</c>, or the whole reply of a model that does not reason.</summary>
    Answer,
}
