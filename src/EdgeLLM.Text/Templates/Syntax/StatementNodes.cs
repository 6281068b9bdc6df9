namespace EdgeLLM.Text.Templates.Syntax;

// The statement half of the template syntax tree: one small record per tag.

internal abstract record StatementNode(SourcePosition Position);

internal sealed record TextStatement(SourcePosition Position, string Text) : StatementNode(Position);

/// <summary><c>{{ expression }}</c>.</summary>
internal sealed record OutputStatement(SourcePosition Position, ExpressionNode Expression) : StatementNode(Position);

internal sealed record ConditionalBranch(ExpressionNode Condition, IReadOnlyList<StatementNode> Body);

internal sealed record IfStatement(SourcePosition Position, IReadOnlyList<ConditionalBranch> Branches, IReadOnlyList<StatementNode> Otherwise) : StatementNode(Position);

internal sealed record ForStatement(
    SourcePosition Position,
    AssignTarget Target,
    ExpressionNode Iterable,
    ExpressionNode? Filter,
    IReadOnlyList<StatementNode> Body,
    IReadOnlyList<StatementNode> Otherwise) : StatementNode(Position);

internal sealed record SetStatement(SourcePosition Position, AssignTarget Target, ExpressionNode Value) : StatementNode(Position);

internal sealed record FilterCall(SourcePosition Position, string Name, CallArguments Arguments);

/// <summary><c>{% set name | filters %}body{% endset %}</c>.</summary>
internal sealed record SetBlockStatement(SourcePosition Position, AssignTarget Target, IReadOnlyList<FilterCall> Filters, IReadOnlyList<StatementNode> Body) : StatementNode(Position);

internal sealed record MacroParameter(string Name, ExpressionNode? Default);

internal sealed record MacroStatement(SourcePosition Position, string Name, IReadOnlyList<MacroParameter> Parameters, IReadOnlyList<StatementNode> Body) : StatementNode(Position);

/// <summary><c>{% call(params) macro(args) %}body{% endcall %}</c>: the body becomes <c>caller()</c>.</summary>
internal sealed record CallBlockStatement(SourcePosition Position, CallExpression Call, IReadOnlyList<MacroParameter> CallerParameters, IReadOnlyList<StatementNode> Body) : StatementNode(Position);

/// <summary><c>{% filter name %}body{% endfilter %}</c>.</summary>
internal sealed record FilterBlockStatement(SourcePosition Position, IReadOnlyList<FilterCall> Filters, IReadOnlyList<StatementNode> Body) : StatementNode(Position);

/// <summary><c>{% with a = 1 %}body{% endwith %}</c>: a scope with its own assignments.</summary>
internal sealed record WithStatement(SourcePosition Position, IReadOnlyList<SetStatement> Assignments, IReadOnlyList<StatementNode> Body) : StatementNode(Position);

/// <summary>A body rendered in place, without a scope of its own (transformers' <c>{% generation %}</c>).</summary>
internal sealed record InlineBlockStatement(SourcePosition Position, IReadOnlyList<StatementNode> Body) : StatementNode(Position);

/// <summary><c>{% break %}</c> or <c>{% continue %}</c> (jinja2.ext.loopcontrols, which transformers enables).</summary>
internal sealed record LoopControlStatement(SourcePosition Position, bool IsBreak) : StatementNode(Position);

internal abstract record AssignTarget(SourcePosition Position);

internal sealed record NameTarget(SourcePosition Position, string Name) : AssignTarget(Position);

/// <summary><c>ns.attribute</c>: assignment into a <c>namespace()</c> object.</summary>
internal sealed record NamespaceTarget(SourcePosition Position, string Namespace, string Attribute) : AssignTarget(Position);

internal sealed record TupleTarget(SourcePosition Position, IReadOnlyList<AssignTarget> Items) : AssignTarget(Position);
