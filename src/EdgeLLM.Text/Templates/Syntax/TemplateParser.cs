using System.Globalization;
using EdgeLLM.Text.Templates.Lexing;

namespace EdgeLLM.Text.Templates.Syntax;

/// <summary>
/// Recursive-descent parser for the Jinja subset chat templates use, with Jinja's operator precedence:
/// conditional &lt; or &lt; and &lt; not &lt; comparisons/in &lt; + - &lt; ~ &lt; * / // % &lt; ** &lt; unary &lt; filters/tests &lt; postfix.
/// </summary>
internal sealed class TemplateParser
{
    private static readonly HashSet<string> UnsupportedTags = ["include", "extends", "import", "from", "block", "endblock", "autoescape", "endautoescape", "do", "trans", "pluralize", "endtrans"];
    private static readonly HashSet<string> ComparisonOperators = ["==", "!=", "<", ">", "<=", ">="];

    private readonly IReadOnlyList<TemplateToken> _tokens;
    private readonly int _maxDepth;
    private int _index;
    private int _depth;
    private int _loopDepth;

    private TemplateParser(IReadOnlyList<TemplateToken> tokens, int maxDepth)
    {
        _tokens = tokens;
        _maxDepth = maxDepth;
    }

    public static IReadOnlyList<StatementNode> Parse(string source, TemplateLimits limits)
    {
        var parser = new TemplateParser(TemplateLexer.Tokenize(source), limits.MaxNestingDepth);
        return parser.ParseBody(null, out _);
    }

    private TemplateToken Current => _tokens[_index];

    private TemplateToken Advance()
    {
        var token = _tokens[_index];
        if (token.Kind != TemplateTokenKind.EndOfTemplate)
        {
            _index++;
        }

        return token;
    }

    private static TemplateException Error(string message, SourcePosition position) => new(message, position);

    private TemplateException Unexpected(string expected) =>
        Error($"expected {expected}, got {Current.Describe()}", Current.Position);

    private bool SkipOperator(string symbol)
    {
        if (!Current.IsOperator(symbol))
        {
            return false;
        }

        _index++;
        return true;
    }

    private bool SkipName(string name)
    {
        if (!Current.IsName(name))
        {
            return false;
        }

        _index++;
        return true;
    }

    private void ExpectOperator(string symbol)
    {
        if (!SkipOperator(symbol))
        {
            throw Unexpected($"'{symbol}'");
        }
    }

    private string ExpectName()
    {
        if (Current.Kind != TemplateTokenKind.Name)
        {
            throw Unexpected("a name");
        }

        return Advance().Value;
    }

    private void ExpectBlockEnd()
    {
        if (Current.Kind != TemplateTokenKind.BlockEnd)
        {
            throw Unexpected("'%}'");
        }

        _index++;
    }

    private void Enter(SourcePosition position)
    {
        try
        {
            ExecutionStack.EnsureRoom();
        }
        catch (TemplateException error)
        {
            throw error.At(position);
        }

        if (++_depth > _maxDepth)
        {
            throw Error($"template nesting deeper than the limit of {_maxDepth}", position);
        }
    }

    /// <summary>
    /// Parses statements until a block tag whose name is in <paramref name="endTags"/>; the cursor is left after
    /// that name. With null end tags, parses to the end of the template.
    /// </summary>
    private List<StatementNode> ParseBody(string[]? endTags, out string endTag, SourcePosition opening = default)
    {
        var body = new List<StatementNode>();
        while (true)
        {
            var token = Advance();
            switch (token.Kind)
            {
                case TemplateTokenKind.EndOfTemplate:
                    if (endTags is not null)
                    {
                        throw Error($"missing '{{% {endTags.First(tag => tag.StartsWith("end", StringComparison.Ordinal))} %}}' for the tag opened here", opening);
                    }

                    endTag = "";
                    return body;
                case TemplateTokenKind.Text:
                    body.Add(new TextStatement(token.Position, token.Value));
                    break;
                case TemplateTokenKind.VariableBegin:
                    body.Add(new OutputStatement(token.Position, ParseTuple(withConditional: true)));
                    if (Advance().Kind != TemplateTokenKind.VariableEnd)
                    {
                        _index--;
                        throw Unexpected("'}}'");
                    }

                    break;
                case TemplateTokenKind.BlockBegin:
                    if (Current.Kind == TemplateTokenKind.Name && endTags is not null && endTags.Contains(Current.Value))
                    {
                        endTag = Advance().Value;
                        return body;
                    }

                    body.Add(ParseStatement());
                    break;
                default:
                    throw Error($"unexpected {token.Describe()}", token.Position);
            }
        }
    }

    private StatementNode ParseStatement()
    {
        var token = Current;
        if (token.Kind != TemplateTokenKind.Name)
        {
            throw Unexpected("a tag name");
        }

        Enter(token.Position);
        _index++;
        var statement = token.Value switch
        {
            "if" => ParseIf(token.Position),
            "for" => ParseFor(token.Position),
            "set" => ParseSet(token.Position),
            "macro" => ParseMacro(token.Position),
            "call" => ParseCallBlock(token.Position),
            "filter" => ParseFilterBlock(token.Position),
            "with" => ParseWith(token.Position),
            "generation" => ParseInlineBlock(token.Position, "endgeneration"),
            "break" or "continue" => ParseLoopControl(token),
            _ when UnsupportedTags.Contains(token.Value) => throw Error($"unsupported tag '{token.Value}' (chat templates are rendered without a loader)", token.Position),
            _ when token.Value.StartsWith("end", StringComparison.Ordinal) || token.Value is "else" or "elif" => throw Error($"unexpected '{{% {token.Value} %}}'", token.Position),
            _ => throw Error($"unknown tag '{token.Value}'", token.Position),
        };
        _depth--;
        return statement;
    }

    private IfStatement ParseIf(SourcePosition position)
    {
        var branches = new List<ConditionalBranch>();
        while (true)
        {
            var condition = ParseTuple(withConditional: false);
            ExpectBlockEnd();
            var body = ParseBody(["elif", "else", "endif"], out var endTag, position);
            branches.Add(new ConditionalBranch(condition, body));
            if (endTag == "elif")
            {
                continue;
            }

            ExpectBlockEnd();
            if (endTag == "endif")
            {
                return new IfStatement(position, branches, []);
            }

            var otherwise = ParseBody(["endif"], out _, position);
            ExpectBlockEnd();
            return new IfStatement(position, branches, otherwise);
        }
    }

    private ForStatement ParseFor(SourcePosition position)
    {
        var target = ParseAssignTarget(allowNamespace: false);
        if (!SkipName("in"))
        {
            throw Unexpected("'in'");
        }

        var iterable = ParseTuple(withConditional: false);
        ExpressionNode? filter = null;
        if (SkipName("if"))
        {
            filter = ParseExpression(withConditional: true);
        }

        if (Current.IsName("recursive"))
        {
            throw Error("unsupported construct 'recursive' loop", Current.Position);
        }

        ExpectBlockEnd();
        _loopDepth++;
        var body = ParseBody(["endfor", "else"], out var endTag, position);
        _loopDepth--;
        ExpectBlockEnd();
        IReadOnlyList<StatementNode> otherwise = [];
        if (endTag == "else")
        {
            otherwise = ParseBody(["endfor"], out _, position);
            ExpectBlockEnd();
        }

        return new ForStatement(position, target, iterable, filter, body, otherwise);
    }

    private StatementNode ParseSet(SourcePosition position)
    {
        var target = ParseAssignTarget(allowNamespace: true);
        if (SkipOperator("="))
        {
            var value = ParseTuple(withConditional: true);
            ExpectBlockEnd();
            return new SetStatement(position, target, value);
        }

        var filters = ParseFilterCalls();
        ExpectBlockEnd();
        var body = ParseBody(["endset"], out _, position);
        ExpectBlockEnd();
        return new SetBlockStatement(position, target, filters, body);
    }

    private List<FilterCall> ParseFilterCalls()
    {
        var filters = new List<FilterCall>();
        while (SkipOperator("|"))
        {
            var filterPosition = Current.Position;
            var name = ParseDottedName();
            filters.Add(new FilterCall(filterPosition, name, Current.IsOperator("(") ? ParseCallArguments() : CallArguments.None));
        }

        return filters;
    }

    private MacroStatement ParseMacro(SourcePosition position)
    {
        var name = ExpectName();
        var parameters = ParseParameters();
        ExpectBlockEnd();
        var outerLoops = _loopDepth;
        _loopDepth = 0;
        var body = ParseBody(["endmacro"], out _, position);
        _loopDepth = outerLoops;
        ExpectBlockEnd();
        return new MacroStatement(position, name, parameters, body);
    }

    private List<MacroParameter> ParseParameters()
    {
        var parameters = new List<MacroParameter>();
        ExpectOperator("(");
        while (!SkipOperator(")"))
        {
            if (parameters.Count > 0)
            {
                ExpectOperator(",");
                if (SkipOperator(")"))
                {
                    break;
                }
            }

            var name = ExpectName();
            var defaultValue = SkipOperator("=") ? ParseExpression(withConditional: true) : null;
            parameters.Add(new MacroParameter(name, defaultValue));
        }

        return parameters;
    }

    private CallBlockStatement ParseCallBlock(SourcePosition position)
    {
        var callerParameters = Current.IsOperator("(") ? ParseParameters() : [];
        var call = ParseExpression(withConditional: true) as CallExpression
            ?? throw Error("expected a macro call after '{% call %}'", position);
        ExpectBlockEnd();
        var body = ParseBody(["endcall"], out _, position);
        ExpectBlockEnd();
        return new CallBlockStatement(position, call, callerParameters, body);
    }

    private FilterBlockStatement ParseFilterBlock(SourcePosition position)
    {
        _index--;
        var filters = new List<FilterCall>();
        do
        {
            _index++;
            var filterPosition = Current.Position;
            var name = ParseDottedName();
            filters.Add(new FilterCall(filterPosition, name, Current.IsOperator("(") ? ParseCallArguments() : CallArguments.None));
        }
        while (Current.IsOperator("|"));

        ExpectBlockEnd();
        var body = ParseBody(["endfilter"], out _, position);
        ExpectBlockEnd();
        return new FilterBlockStatement(position, filters, body);
    }

    private WithStatement ParseWith(SourcePosition position)
    {
        var assignments = new List<SetStatement>();
        while (Current.Kind != TemplateTokenKind.BlockEnd)
        {
            if (assignments.Count > 0)
            {
                ExpectOperator(",");
            }

            var targetPosition = Current.Position;
            var target = ParseAssignTarget(allowNamespace: false);
            ExpectOperator("=");
            assignments.Add(new SetStatement(targetPosition, target, ParseExpression(withConditional: true)));
        }

        ExpectBlockEnd();
        var body = ParseBody(["endwith"], out _, position);
        ExpectBlockEnd();
        return new WithStatement(position, assignments, body);
    }

    private InlineBlockStatement ParseInlineBlock(SourcePosition position, string endTag)
    {
        ExpectBlockEnd();
        var body = ParseBody([endTag], out _, position);
        ExpectBlockEnd();
        return new InlineBlockStatement(position, body);
    }

    private LoopControlStatement ParseLoopControl(TemplateToken token)
    {
        if (_loopDepth == 0)
        {
            throw Error($"'{{% {token.Value} %}}' outside a loop", token.Position);
        }

        ExpectBlockEnd();
        return new LoopControlStatement(token.Position, token.Value == "break");
    }

    private AssignTarget ParseAssignTarget(bool allowNamespace)
    {
        var position = Current.Position;
        var items = new List<AssignTarget>();
        var parenthesized = SkipOperator("(");
        do
        {
            var itemPosition = Current.Position;
            var name = ExpectName();
            if (allowNamespace && SkipOperator("."))
            {
                items.Add(new NamespaceTarget(itemPosition, name, ExpectName()));
            }
            else
            {
                items.Add(new NameTarget(itemPosition, name));
            }
        }
        while (SkipOperator(",") && Current.Kind == TemplateTokenKind.Name);

        if (parenthesized)
        {
            ExpectOperator(")");
        }

        return items.Count == 1 && !parenthesized ? items[0] : new TupleTarget(position, items);
    }

    private ExpressionNode ParseTuple(bool withConditional)
    {
        var position = Current.Position;
        var first = ParseExpression(withConditional);
        if (!Current.IsOperator(","))
        {
            return first;
        }

        var items = new List<ExpressionNode> { first };
        while (SkipOperator(","))
        {
            if (!StartsExpression(Current))
            {
                break;
            }

            items.Add(ParseExpression(withConditional));
        }

        return new ListExpression(position, items, IsTuple: true);
    }

    private static bool StartsExpression(TemplateToken token) => token.Kind switch
    {
        TemplateTokenKind.Name or TemplateTokenKind.String or TemplateTokenKind.Integer or TemplateTokenKind.Float => true,
        TemplateTokenKind.Operator => token.Value is "(" or "[" or "{" or "-" or "+",
        _ => false,
    };

    private ExpressionNode ParseExpression(bool withConditional)
    {
        Enter(Current.Position);
        var expression = ParseOr();
        while (withConditional && Current.IsName("if"))
        {
            var position = Advance().Position;
            var condition = ParseOr();
            var otherwise = SkipName("else") ? ParseExpression(withConditional: true) : null;
            expression = new ConditionalExpression(position, condition, expression, otherwise);
        }

        _depth--;
        return expression;
    }

    private ExpressionNode ParseOr()
    {
        var left = ParseAnd();
        while (Current.IsName("or"))
        {
            var position = Advance().Position;
            left = new BinaryExpression(position, "or", left, ParseAnd());
        }

        return left;
    }

    private ExpressionNode ParseAnd()
    {
        var left = ParseNot();
        while (Current.IsName("and"))
        {
            var position = Advance().Position;
            left = new BinaryExpression(position, "and", left, ParseNot());
        }

        return left;
    }

    private ExpressionNode ParseNot()
    {
        if (Current.IsName("not"))
        {
            var position = Advance().Position;
            Enter(position);
            var operand = ParseNot();
            _depth--;
            return new UnaryExpression(position, "not", operand);
        }

        return ParseCompare();
    }

    private ExpressionNode ParseCompare()
    {
        var position = Current.Position;
        var first = ParseMath1();
        var rest = new List<Comparison>();
        while (true)
        {
            var token = Current;
            if (token.Kind == TemplateTokenKind.Operator && ComparisonOperators.Contains(token.Value))
            {
                _index++;
                rest.Add(new Comparison(token.Value, ParseMath1()));
            }
            else if (token.IsName("in"))
            {
                _index++;
                rest.Add(new Comparison("in", ParseMath1()));
            }
            else if (token.IsName("not") && _tokens[_index + 1].IsName("in"))
            {
                _index += 2;
                rest.Add(new Comparison("not in", ParseMath1()));
            }
            else
            {
                break;
            }
        }

        return rest.Count == 0 ? first : new CompareExpression(position, first, rest);
    }

    private ExpressionNode ParseMath1()
    {
        var left = ParseConcat();
        while (Current.IsOperator("+") || Current.IsOperator("-"))
        {
            var token = Advance();
            left = new BinaryExpression(token.Position, token.Value, left, ParseConcat());
        }

        return left;
    }

    private ExpressionNode ParseConcat()
    {
        var left = ParseMath2();
        while (Current.IsOperator("~"))
        {
            var token = Advance();
            left = new BinaryExpression(token.Position, "~", left, ParseMath2());
        }

        return left;
    }

    private ExpressionNode ParseMath2()
    {
        var left = ParsePower();
        while (Current.Kind == TemplateTokenKind.Operator && Current.Value is "*" or "/" or "//" or "%")
        {
            var token = Advance();
            left = new BinaryExpression(token.Position, token.Value, left, ParsePower());
        }

        return left;
    }

    private ExpressionNode ParsePower()
    {
        var left = ParseUnary(withFilter: true);
        while (Current.IsOperator("**"))
        {
            var token = Advance();
            left = new BinaryExpression(token.Position, "**", left, ParseUnary(withFilter: true));
        }

        return left;
    }

    private ExpressionNode ParseUnary(bool withFilter)
    {
        var token = Current;
        ExpressionNode node;
        Enter(token.Position);
        if (token.IsOperator("-") || token.IsOperator("+"))
        {
            _index++;
            node = new UnaryExpression(token.Position, token.Value, ParseUnary(withFilter: false));
        }
        else
        {
            node = ParsePostfix(ParsePrimary());
        }

        if (withFilter)
        {
            node = ParseFilterExpression(node);
        }

        _depth--;
        return node;
    }

    private ExpressionNode ParsePrimary()
    {
        var token = Advance();
        switch (token.Kind)
        {
            case TemplateTokenKind.Name:
                return token.Value switch
                {
                    "true" or "True" => new LiteralExpression(token.Position, true),
                    "false" or "False" => new LiteralExpression(token.Position, false),
                    "none" or "None" => new LiteralExpression(token.Position, null),
                    _ => new NameExpression(token.Position, token.Value),
                };
            case TemplateTokenKind.String:
                var text = token.Value;
                while (Current.Kind == TemplateTokenKind.String)
                {
                    text += Advance().Value;
                }

                return new LiteralExpression(token.Position, text);
            case TemplateTokenKind.Integer:
                if (!long.TryParse(token.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var integer))
                {
                    throw Error($"integer literal {token.Value} is too large", token.Position);
                }

                return new LiteralExpression(token.Position, integer);
            case TemplateTokenKind.Float:
                return new LiteralExpression(token.Position, double.Parse(token.Value, NumberStyles.Float, CultureInfo.InvariantCulture));
            case TemplateTokenKind.Operator when token.Value == "(":
                if (SkipOperator(")"))
                {
                    return new ListExpression(token.Position, [], IsTuple: true);
                }

                var inner = ParseTuple(withConditional: true);
                ExpectOperator(")");
                return inner;
            case TemplateTokenKind.Operator when token.Value == "[":
                return new ListExpression(token.Position, ParseSequence("]"), IsTuple: false);
            case TemplateTokenKind.Operator when token.Value == "{":
                return ParseDict(token.Position);
            default:
                _index--;
                throw Unexpected("an expression");
        }
    }

    private List<ExpressionNode> ParseSequence(string close)
    {
        var items = new List<ExpressionNode>();
        while (!SkipOperator(close))
        {
            if (items.Count > 0)
            {
                ExpectOperator(",");
                if (SkipOperator(close))
                {
                    break;
                }
            }

            items.Add(ParseExpression(withConditional: true));
        }

        return items;
    }

    private DictExpression ParseDict(SourcePosition position)
    {
        var entries = new List<DictEntry>();
        while (!SkipOperator("}"))
        {
            if (entries.Count > 0)
            {
                ExpectOperator(",");
                if (SkipOperator("}"))
                {
                    break;
                }
            }

            var key = ParseExpression(withConditional: true);
            ExpectOperator(":");
            entries.Add(new DictEntry(key, ParseExpression(withConditional: true)));
        }

        return new DictExpression(position, entries);
    }

    private ExpressionNode ParsePostfix(ExpressionNode node)
    {
        while (true)
        {
            var token = Current;
            if (token.IsOperator("."))
            {
                _index++;
                var attribute = Advance();
                node = attribute.Kind switch
                {
                    TemplateTokenKind.Name => new AttributeExpression(token.Position, node, attribute.Value),
                    TemplateTokenKind.Integer => new ItemExpression(token.Position, node, new LiteralExpression(attribute.Position, long.Parse(attribute.Value, CultureInfo.InvariantCulture))),
                    _ => throw Error($"expected an attribute name after '.', got {attribute.Describe()}", attribute.Position),
                };
            }
            else if (token.IsOperator("["))
            {
                _index++;
                node = ParseSubscript(token.Position, node);
            }
            else if (token.IsOperator("("))
            {
                node = new CallExpression(node.Position, node, ParseCallArguments());
            }
            else
            {
                return node;
            }
        }
    }

    private ExpressionNode ParseSubscript(SourcePosition position, ExpressionNode target)
    {
        ExpressionNode? start = null;
        if (!Current.IsOperator(":"))
        {
            start = ParseExpression(withConditional: true);
            if (SkipOperator("]"))
            {
                return new ItemExpression(position, target, start);
            }
        }

        ExpectOperator(":");
        var stop = Current.IsOperator(":") || Current.IsOperator("]") ? null : ParseExpression(withConditional: true);
        ExpressionNode? step = null;
        if (SkipOperator(":") && !Current.IsOperator("]"))
        {
            step = ParseExpression(withConditional: true);
        }

        ExpectOperator("]");
        return new SliceExpression(position, target, start, stop, step);
    }

    private CallArguments ParseCallArguments()
    {
        ExpectOperator("(");
        var positional = new List<ExpressionNode>();
        var keywords = new List<KeywordArgument>();
        while (!SkipOperator(")"))
        {
            if (positional.Count + keywords.Count > 0)
            {
                ExpectOperator(",");
                if (SkipOperator(")"))
                {
                    break;
                }
            }

            if (Current.IsOperator("*") || Current.IsOperator("**"))
            {
                throw Error("unsupported construct: '*' / '**' argument unpacking", Current.Position);
            }

            if (Current.Kind == TemplateTokenKind.Name && _tokens[_index + 1].IsOperator("="))
            {
                var name = Advance().Value;
                _index++;
                keywords.Add(new KeywordArgument(name, ParseExpression(withConditional: true)));
            }
            else if (keywords.Count > 0)
            {
                throw Error("positional argument after a keyword argument", Current.Position);
            }
            else
            {
                positional.Add(ParseExpression(withConditional: true));
            }
        }

        return new CallArguments(positional, keywords);
    }

    private string ParseDottedName()
    {
        var name = ExpectName();
        while (Current.IsOperator(".") && _tokens[_index + 1].Kind == TemplateTokenKind.Name)
        {
            _index++;
            name += "." + Advance().Value;
        }

        return name;
    }

    private ExpressionNode ParseFilterExpression(ExpressionNode node)
    {
        while (true)
        {
            var token = Current;
            if (token.IsOperator("|"))
            {
                _index++;
                var position = Current.Position;
                var name = ParseDottedName();
                node = new FilterExpression(position, node, name, Current.IsOperator("(") ? ParseCallArguments() : CallArguments.None);
            }
            else if (token.IsName("is"))
            {
                _index++;
                node = ParseTest(token.Position, node);
            }
            else if (token.IsOperator("("))
            {
                node = new CallExpression(node.Position, node, ParseCallArguments());
            }
            else
            {
                return node;
            }
        }
    }

    private TestExpression ParseTest(SourcePosition position, ExpressionNode target)
    {
        var negated = SkipName("not");
        var name = ParseDottedName();
        var arguments = CallArguments.None;
        if (Current.IsOperator("("))
        {
            arguments = ParseCallArguments();
        }
        else if (StartsTestArgument(Current))
        {
            if (Current.IsName("is"))
            {
                throw Error("tests cannot be chained with 'is'", Current.Position);
            }

            arguments = new CallArguments([ParsePostfix(ParsePrimary())], []);
        }

        return new TestExpression(position, target, name, negated, arguments);
    }

    private static bool StartsTestArgument(TemplateToken token) => token.Kind switch
    {
        TemplateTokenKind.Name => token.Value is not ("else" or "or" or "and"),
        TemplateTokenKind.String or TemplateTokenKind.Integer or TemplateTokenKind.Float => true,
        TemplateTokenKind.Operator => token.Value is "[" or "{",
        _ => false,
    };
}
