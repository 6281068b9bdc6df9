namespace EdgeLLM.Text.Templates.Syntax;

// The expression half of the template syntax tree: one small record per construct.

internal abstract record ExpressionNode(SourcePosition Position);

internal sealed record LiteralExpression(SourcePosition Position, object? Value) : ExpressionNode(Position);

internal sealed record NameExpression(SourcePosition Position, string Name) : ExpressionNode(Position);

/// <summary><c>[a, b]</c>, or a tuple <c>(a, b)</c> when <see cref="IsTuple"/>.</summary>
internal sealed record ListExpression(SourcePosition Position, IReadOnlyList<ExpressionNode> Items, bool IsTuple) : ExpressionNode(Position);

internal sealed record DictEntry(ExpressionNode Key, ExpressionNode Value);

internal sealed record DictExpression(SourcePosition Position, IReadOnlyList<DictEntry> Entries) : ExpressionNode(Position);

/// <summary><c>target.name</c>: Jinja's getattr, which falls back to an item lookup.</summary>
internal sealed record AttributeExpression(SourcePosition Position, ExpressionNode Target, string Name) : ExpressionNode(Position);

/// <summary><c>target[index]</c>: Jinja's getitem, which falls back to an attribute lookup.</summary>
internal sealed record ItemExpression(SourcePosition Position, ExpressionNode Target, ExpressionNode Index) : ExpressionNode(Position);

internal sealed record SliceExpression(SourcePosition Position, ExpressionNode Target, ExpressionNode? Start, ExpressionNode? Stop, ExpressionNode? Step) : ExpressionNode(Position);

/// <summary><c>not x</c>, <c>-x</c>, <c>+x</c>.</summary>
internal sealed record UnaryExpression(SourcePosition Position, string Operator, ExpressionNode Operand) : ExpressionNode(Position);

/// <summary>Arithmetic, <c>~</c>, <c>and</c>, <c>or</c>.</summary>
internal sealed record BinaryExpression(SourcePosition Position, string Operator, ExpressionNode Left, ExpressionNode Right) : ExpressionNode(Position);

internal sealed record Comparison(string Operator, ExpressionNode Operand);

/// <summary>A chained comparison <c>a &lt; b &lt;= c</c>; operators include <c>in</c> and <c>not in</c>.</summary>
internal sealed record CompareExpression(SourcePosition Position, ExpressionNode First, IReadOnlyList<Comparison> Rest) : ExpressionNode(Position);

/// <summary><c>then if condition else otherwise</c>; a missing else yields undefined.</summary>
internal sealed record ConditionalExpression(SourcePosition Position, ExpressionNode Condition, ExpressionNode Then, ExpressionNode? Otherwise) : ExpressionNode(Position);

internal sealed record KeywordArgument(string Name, ExpressionNode Value);

internal sealed record CallArguments(IReadOnlyList<ExpressionNode> Positional, IReadOnlyList<KeywordArgument> Keywords)
{
    public static CallArguments None { get; } = new([], []);
}

internal sealed record CallExpression(SourcePosition Position, ExpressionNode Callee, CallArguments Arguments) : ExpressionNode(Position);

/// <summary><c>target | name(arguments)</c>.</summary>
internal sealed record FilterExpression(SourcePosition Position, ExpressionNode Target, string Name, CallArguments Arguments) : ExpressionNode(Position);

/// <summary><c>target is [not] name(arguments)</c>.</summary>
internal sealed record TestExpression(SourcePosition Position, ExpressionNode Target, string Name, bool Negated, CallArguments Arguments) : ExpressionNode(Position);
