namespace EdgeLLM.Text.Templates.Rendering;

/// <summary>How a statement list ended: normally, or by <c>{% break %}</c> / <c>{% continue %}</c>.</summary>
internal enum LoopSignal
{
    None,
    Break,
    Continue,
}
