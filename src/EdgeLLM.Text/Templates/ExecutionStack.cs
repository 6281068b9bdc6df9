using System.Runtime.CompilerServices;

namespace EdgeLLM.Text.Templates;

/// <summary>
/// Turns "about to run out of stack" into a <see cref="TemplateException"/>: parsing, evaluation and printing
/// recurse over nesting a template or its data controls (long operator chains, lists nested in lists).
/// </summary>
internal static class ExecutionStack
{
    /// <summary>How deep lists and dicts may nest when printed, serialized or compared.</summary>
    public const int MaxValueDepth = 500;

    /// <summary>Refuses a value nested deeper than <see cref="MaxValueDepth"/>, the same on every machine.</summary>
    public static void EnsureValueDepth(int depth)
    {
        if (depth > MaxValueDepth)
        {
            throw new TemplateException($"a value nested deeper than {MaxValueDepth} levels");
        }

        EnsureRoom();
    }

    public static void EnsureRoom()
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new TemplateException("template or value nested too deeply to evaluate");
        }
    }
}
