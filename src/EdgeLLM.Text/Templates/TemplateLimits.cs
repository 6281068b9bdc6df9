namespace EdgeLLM.Text.Templates;

/// <summary>
/// Sandbox bounds for one render. Each one exceeded is a <see cref="TemplateException"/> naming the limit.
/// </summary>
public sealed record TemplateLimits
{
    public static TemplateLimits Default { get; } = new();

    /// <summary>Loop iterations over the whole render, all loops together (range() sizes count too).</summary>
    public int MaxLoopIterations { get; init; } = 1_000_000;

    /// <summary>Nested macro calls.</summary>
    public int MaxCallDepth { get; init; } = 64;

    /// <summary>Characters in the output, and in any string the template builds.</summary>
    public int MaxOutputLength { get; init; } = 16 * 1024 * 1024;

    /// <summary>
    /// Work steps over the whole render (each statement, expression, loop iteration and filter item): a
    /// recursive macro or a long loop ends here. A real chat template renders in a few thousand.
    /// </summary>
    public long MaxSteps { get; init; } = 10_000_000;

    /// <summary>
    /// Characters of all the strings expressions produce over the whole render (quadratic string building
    /// in a loop ends here, long before memory or time run out).
    /// </summary>
    public long MaxWorkCharacters { get; init; } = 128L * 1024 * 1024;

    /// <summary>Nesting of expressions and statements in the source, checked while parsing.</summary>
    public int MaxNestingDepth { get; init; } = 200;
}
