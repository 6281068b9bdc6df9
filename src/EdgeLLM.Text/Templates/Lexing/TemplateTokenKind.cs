namespace EdgeLLM.Text.Templates.Lexing;

internal enum TemplateTokenKind
{
    /// <summary>Literal template text between tags, already whitespace-controlled.</summary>
    Text,
    VariableBegin,
    VariableEnd,
    BlockBegin,
    BlockEnd,
    Name,
    String,
    Integer,
    Float,
    Operator,
    EndOfTemplate,
}
