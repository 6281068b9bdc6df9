using System.Runtime.CompilerServices;

namespace EdgeLLM.Runtime.Text.Templates;

/// <summary>
/// Turns "about to run out of stack" into a <see cref="TemplateException"/>: parsing, evaluation and printing
/// recurse over nesting a template or its data controls (long operator chains, lists nested in lists).
/// </summary>
internal static class ExecutionStack
{
    public static void EnsureRoom()
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new TemplateException("template or value nested too deeply to evaluate");
        }
    }
}
