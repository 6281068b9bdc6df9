namespace EdgeLLM.Runtime.Generation;

/// <summary>What one call of <see cref="Generator.Generate"/> should do beyond sampling.</summary>
public sealed record GenerationRequest
{
    /// <summary>The most new tokens to produce (forced reasoning-end tokens included).</summary>
    public required int MaxTokens { get; init; }

    /// <summary>
    /// Reasoning budget: after this many tokens inside the reasoning block, <see cref="ReasoningEndIds"/>
    /// are inserted and the answer follows. Null: no budget.
    /// </summary>
    public int? ReasoningBudget { get; init; }

    /// <summary>True when the prompt left the model inside a reasoning block (R1's prompt ends with "&lt;think&gt;\n").</summary>
    public bool StartsInReasoning { get; init; }

    /// <summary>The single token id that closes reasoning ("&lt;/think&gt;"), when the tokenizer has one.</summary>
    public int? ReasoningEndTokenId { get; init; }

    /// <summary>Tokens inserted when the budget runs out (e.g. the ids of "\n&lt;/think&gt;\n\n").</summary>
    public IReadOnlyList<int> ReasoningEndIds { get; init; } = [];
}
