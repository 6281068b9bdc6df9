namespace EdgeLLM.Text.Templates.Lexing;

/// <summary>One lexical token; <see cref="Value"/> is the unescaped text for strings and text.</summary>
internal readonly record struct TemplateToken(TemplateTokenKind Kind, string Value, SourcePosition Position)
{
    public bool IsOperator(string symbol) => Kind == TemplateTokenKind.Operator && Value == symbol;

    public bool IsName(string name) => Kind == TemplateTokenKind.Name && Value == name;

    public string Describe() => Kind switch
    {
        TemplateTokenKind.EndOfTemplate => "end of template",
        TemplateTokenKind.VariableEnd => "'}}'",
        TemplateTokenKind.BlockEnd => "'%}'",
        TemplateTokenKind.String => "string literal",
        TemplateTokenKind.Text => "template text",
        _ => $"'{Value}'",
    };
}
