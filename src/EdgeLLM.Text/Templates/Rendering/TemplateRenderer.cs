using System.Text;
using EdgeLLM.Text.Templates.Syntax;
using EdgeLLM.Text.Templates.Values;

namespace EdgeLLM.Text.Templates.Rendering;

/// <summary>
/// Walks the syntax tree for one render. Holds the sandbox counters: total loop iterations, macro call depth,
/// and output length. Errors raised below an expression or statement get that node's line:column attached.
/// </summary>
internal sealed class TemplateRenderer
{
    private readonly TemplateLimits _limits;
    private StringBuilder _output = new();
    private readonly CancellationToken _cancellation;
    private long _iterations;
    private long _steps;
    private long _workCharacters;
    private int _callDepth;

    public TemplateRenderer(TemplateLimits limits, CancellationToken cancellation = default)
    {
        _limits = limits;
        _cancellation = cancellation;
    }

    public TemplateLimits Limits => _limits;

    public string Render(IReadOnlyList<StatementNode> body, RenderScope scope)
    {
        _cancellation.ThrowIfCancellationRequested();
        Execute(body, scope);
        return _output.ToString();
    }

    /// <summary>
    /// Counts <paramref name="count"/> work steps against the render's budget, and ends the render at once
    /// (<see cref="OperationCanceledException"/>) when it was cancelled (Ctrl-C, Esc).
    /// </summary>
    public void Step(long count = 1)
    {
        long before = _steps;
        _steps += count;
        if (_steps > _limits.MaxSteps)
        {
            throw new TemplateException($"the template does more than {_limits.MaxSteps:N0} steps of work (a recursive macro or a runaway loop?)");
        }

        if ((before >> 10) != (_steps >> 10))
        {
            _cancellation.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Counts <paramref name="count"/> loop iterations against the render's budget.</summary>
    public void CountIterations(long count)
    {
        _iterations += count;
        if (_iterations > _limits.MaxLoopIterations)
        {
            throw new TemplateException($"loop iterations exceed the limit of {_limits.MaxLoopIterations}");
        }

        Step(count);
    }

    private void Write(string text)
    {
        if ((long)_output.Length + text.Length > _limits.MaxOutputLength)
        {
            throw new TemplateException($"output exceeds the limit of {_limits.MaxOutputLength} characters");
        }

        _output.Append(text);
    }

    /// <summary>Renders <paramref name="body"/> into a separate buffer and returns the text.</summary>
    private string Capture(IReadOnlyList<StatementNode> body, RenderScope scope)
    {
        var outer = _output;
        _output = new StringBuilder();
        try
        {
            Execute(body, scope);
            return _output.ToString();
        }
        finally
        {
            _output = outer;
        }
    }

    public string CallMacroBody(string name, IReadOnlyList<StatementNode> body, RenderScope scope)
    {
        if (++_callDepth > _limits.MaxCallDepth)
        {
            _callDepth = 0;
            throw new TemplateException($"macro calls nested deeper than the limit of {_limits.MaxCallDepth} (in '{name}')");
        }

        try
        {
            return Capture(body, scope);
        }
        finally
        {
            _callDepth = Math.Max(0, _callDepth - 1);
        }
    }

    private LoopSignal Execute(IReadOnlyList<StatementNode> body, RenderScope scope)
    {
        foreach (var statement in body)
        {
            LoopSignal signal;
            try
            {
                ExecutionStack.EnsureRoom();
                Step();
                signal = ExecuteStatement(statement, scope);
            }
            catch (TemplateException error) when (error.Position is null)
            {
                throw error.At(statement.Position);
            }

            if (signal != LoopSignal.None)
            {
                return signal;
            }
        }

        return LoopSignal.None;
    }

    private LoopSignal ExecuteStatement(StatementNode statement, RenderScope scope)
    {
        switch (statement)
        {
            case TextStatement text:
                Write(text.Text);
                return LoopSignal.None;
            case OutputStatement output:
                Write(PythonText.Str(Evaluate(output.Expression, scope)));
                return LoopSignal.None;
            case IfStatement conditional:
                foreach (var branch in conditional.Branches)
                {
                    if (PythonOperators.IsTruthy(Evaluate(branch.Condition, scope)))
                    {
                        return Execute(branch.Body, scope);
                    }
                }

                return Execute(conditional.Otherwise, scope);
            case ForStatement loop:
                ExecuteFor(loop, scope);
                return LoopSignal.None;
            case SetStatement assignment:
                Assign(assignment.Target, Evaluate(assignment.Value, scope), scope);
                return LoopSignal.None;
            case SetBlockStatement blockAssignment:
                Assign(blockAssignment.Target, ApplyFilters(blockAssignment.Filters, Capture(blockAssignment.Body, scope), scope), scope);
                return LoopSignal.None;
            case MacroStatement macro:
                scope.Set(macro.Name, new TemplateMacro(this, macro.Name, macro.Parameters, macro.Body, scope));
                return LoopSignal.None;
            case CallBlockStatement callBlock:
                var caller = new TemplateMacro(this, "caller", callBlock.CallerParameters, callBlock.Body, scope);
                Write(PythonText.Str(EvaluateCall(callBlock.Call, scope, caller)));
                return LoopSignal.None;
            case FilterBlockStatement filterBlock:
                Write(PythonText.Str(ApplyFilters(filterBlock.Filters, Capture(filterBlock.Body, scope), scope)));
                return LoopSignal.None;
            case WithStatement with:
                var inner = new RenderScope(scope);
                foreach (var withAssignment in with.Assignments)
                {
                    Assign(withAssignment.Target, Evaluate(withAssignment.Value, scope), inner);
                }

                return Execute(with.Body, inner);
            case InlineBlockStatement inline:
                return Execute(inline.Body, scope);
            case LoopControlStatement control:
                return control.IsBreak ? LoopSignal.Break : LoopSignal.Continue;
            default:
                throw new TemplateException($"unsupported statement {statement.GetType().Name}");
        }
    }

    private void ExecuteFor(ForStatement loop, RenderScope scope)
    {
        var items = PythonOperators.Iterate(Evaluate(loop.Iterable, scope));
        if (loop.Filter is not null)
        {
            var kept = new List<object?>();
            foreach (var item in items)
            {
                CountIterations(1);
                var filterScope = new RenderScope(scope);
                Assign(loop.Target, item, filterScope);
                if (PythonOperators.IsTruthy(Evaluate(loop.Filter, filterScope)))
                {
                    kept.Add(item);
                }
            }

            items = kept;
        }

        if (items.Count == 0)
        {
            Execute(loop.Otherwise, scope);
            return;
        }

        var loopVariable = new TemplateLoop(items);
        for (var index = 0; index < items.Count; index++)
        {
            CountIterations(1);
            loopVariable.Index0 = index;
            var iterationScope = new RenderScope(scope);
            iterationScope.Set("loop", loopVariable);
            Assign(loop.Target, items[index], iterationScope);
            if (Execute(loop.Body, iterationScope) == LoopSignal.Break)
            {
                break;
            }
        }
    }

    private void Assign(AssignTarget target, object? value, RenderScope scope)
    {
        switch (target)
        {
            case NameTarget name:
                scope.Set(name.Name, value);
                break;
            case NamespaceTarget attribute:
                if (!scope.TryGet(attribute.Namespace, out var found) || found is not TemplateNamespace ns)
                {
                    throw new TemplateException($"cannot assign attribute '{attribute.Attribute}' on '{attribute.Namespace}': it is not a namespace() object");
                }

                ns.Attributes[attribute.Attribute] = value;
                break;
            case TupleTarget tuple:
                var items = value is List<object?> list ? list : PythonOperators.Iterate(value);
                if (items.Count != tuple.Items.Count)
                {
                    throw new TemplateException($"cannot unpack {items.Count} value(s) into {tuple.Items.Count} name(s)");
                }

                for (var index = 0; index < items.Count; index++)
                {
                    Assign(tuple.Items[index], items[index], scope);
                }

                break;
        }
    }

    private object? ApplyFilters(IReadOnlyList<FilterCall> filters, object? value, RenderScope scope)
    {
        foreach (var filter in filters)
        {
            try
            {
                value = TemplateFilters.Apply(this, filter.Name, value, EvaluateArguments(filter.Name, filter.Arguments, scope));
            }
            catch (TemplateException error) when (error.Position is null)
            {
                throw error.At(filter.Position);
            }
        }

        return value;
    }

    public object? Evaluate(ExpressionNode expression, RenderScope scope)
    {
        object? value;
        try
        {
            ExecutionStack.EnsureRoom();
            Step();
            value = EvaluateCore(expression, scope);
        }
        catch (TemplateException error) when (error.Position is null)
        {
            throw error.At(expression.Position);
        }

        var size = value switch
        {
            string text => text.Length,
            List<object?> list => list.Count,
            _ => 0,
        };
        if (size > _limits.MaxOutputLength)
        {
            throw new TemplateException($"a value of {size} characters or items exceeds the output limit of {_limits.MaxOutputLength}", expression.Position);
        }

        _workCharacters += size;
        if (_workCharacters > _limits.MaxWorkCharacters)
        {
            throw new TemplateException($"the template builds more than {_limits.MaxWorkCharacters:N0} characters of strings (quadratic string building?)", expression.Position);
        }

        return value;
    }

    private object? EvaluateCore(ExpressionNode expression, RenderScope scope)
    {
        switch (expression)
        {
            case LiteralExpression literal:
                return literal.Value;
            case NameExpression name:
                return scope.TryGet(name.Name, out var value) ? value : TemplateUndefined.ForName(name.Name);
            case ListExpression list:
                var items = list.Items.Select(item => Evaluate(item, scope));
                return list.IsTuple ? new TemplateTuple(items) : items.ToList();
            case DictExpression dictionary:
                var result = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
                foreach (var entry in dictionary.Entries)
                {
                    if (Evaluate(entry.Key, scope) is not string key)
                    {
                        throw new TemplateException("dictionary keys must be strings");
                    }

                    result[key] = Evaluate(entry.Value, scope);
                }

                return result;
            case AttributeExpression attribute:
                return MemberAccess.GetAttribute(Evaluate(attribute.Target, scope), attribute.Name);
            case ItemExpression item:
                return MemberAccess.GetItem(Evaluate(item.Target, scope), Evaluate(item.Index, scope));
            case SliceExpression slice:
                return PythonOperators.Slice(Evaluate(slice.Target, scope), SliceBound(slice.Start, scope), SliceBound(slice.Stop, scope), SliceBound(slice.Step, scope));
            case UnaryExpression unary:
                var operand = Evaluate(unary.Operand, scope);
                return unary.Operator switch
                {
                    "not" => !PythonOperators.IsTruthy(operand),
                    "-" => PythonOperators.Negate(operand),
                    _ => PythonOperators.Plus(operand),
                };
            case BinaryExpression binary:
                return EvaluateBinary(binary, scope);
            case CompareExpression compare:
                var left = Evaluate(compare.First, scope);
                foreach (var comparison in compare.Rest)
                {
                    var right = Evaluate(comparison.Operand, scope);
                    if (!PythonOperators.Compare(comparison.Operator, left, right))
                    {
                        return false;
                    }

                    left = right;
                }

                return true;
            case ConditionalExpression conditional:
                if (PythonOperators.IsTruthy(Evaluate(conditional.Condition, scope)))
                {
                    return Evaluate(conditional.Then, scope);
                }

                return conditional.Otherwise is null
                    ? new TemplateUndefined("the conditional expression has no else branch")
                    : Evaluate(conditional.Otherwise, scope);
            case CallExpression call:
                return EvaluateCall(call, scope, caller: null);
            case FilterExpression filter:
                return TemplateFilters.Apply(this, filter.Name, Evaluate(filter.Target, scope), EvaluateArguments(filter.Name, filter.Arguments, scope));
            case TestExpression test:
                var outcome = TemplateTests.Apply(test.Name, Evaluate(test.Target, scope), EvaluateArguments(test.Name, test.Arguments, scope));
                return test.Negated ? !outcome : outcome;
            default:
                throw new TemplateException($"unsupported expression {expression.GetType().Name}");
        }
    }

    private object? EvaluateBinary(BinaryExpression binary, RenderScope scope)
    {
        var left = Evaluate(binary.Left, scope);
        switch (binary.Operator)
        {
            case "and":
                return PythonOperators.IsTruthy(left) ? Evaluate(binary.Right, scope) : left;
            case "or":
                return PythonOperators.IsTruthy(left) ? left : Evaluate(binary.Right, scope);
            case "~":
                return PythonText.Str(left) + PythonText.Str(Evaluate(binary.Right, scope));
            default:
                return PythonOperators.Arithmetic(binary.Operator, left, Evaluate(binary.Right, scope), _limits.MaxOutputLength);
        }
    }

    private long? SliceBound(ExpressionNode? bound, RenderScope scope)
    {
        if (bound is null)
        {
            return null;
        }

        return Evaluate(bound, scope) switch
        {
            null => null,
            long integer => integer,
            bool flag => flag ? 1 : 0,
            var other => throw new TemplateException($"slice indices must be integers or None, not '{TemplateTypeName.Of(other)}'"),
        };
    }

    private TemplateArguments EvaluateArguments(string callee, CallArguments arguments, RenderScope scope, ITemplateCallable? caller = null)
    {
        if (arguments.Positional.Count == 0 && arguments.Keywords.Count == 0 && caller is null)
        {
            return TemplateArguments.Empty(callee);
        }

        var positional = arguments.Positional.Select(argument => Evaluate(argument, scope)).ToList();
        var keywords = arguments.Keywords.Select(keyword => KeyValuePair.Create(keyword.Name, Evaluate(keyword.Value, scope))).ToList();
        if (caller is not null)
        {
            keywords.Add(KeyValuePair.Create("caller", (object?)caller));
        }

        return new TemplateArguments(callee, positional, keywords);
    }

    private object? EvaluateCall(CallExpression call, RenderScope scope, ITemplateCallable? caller)
    {
        var callee = Evaluate(call.Callee, scope);
        if (callee is not ITemplateCallable callable)
        {
            var description = callee is TemplateUndefined undefined ? undefined.Hint : $"'{TemplateTypeName.Of(callee)}' object";
            throw new TemplateException($"{description}: not callable", call.Position);
        }

        var arguments = EvaluateArguments(callable.Name, call.Arguments, scope, caller);
        try
        {
            return callable.Invoke(arguments);
        }
        catch (TemplateException error) when (error.Position is null)
        {
            throw error.At(call.Position);
        }
    }
}
