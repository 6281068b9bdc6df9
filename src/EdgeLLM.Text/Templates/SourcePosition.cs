namespace EdgeLLM.Text.Templates;

/// <summary>A 1-based line and column in a template's source text.</summary>
public readonly record struct SourcePosition(int Line, int Column)
{
    public override string ToString() => $"{Line}:{Column}";
}
