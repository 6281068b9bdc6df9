using EdgeLLM.Format;
using EdgeLLM.Text.Templates;

namespace EdgeLLM.Runtime.Tests.Text.Templates;

/// <summary>Errors name the construct and its line:column in the template source.</summary>
public sealed class TemplateErrorTests
{
    private static TemplateException Failure(string source, Dictionary<string, object?>? variables = null) =>
        Assert.Throws<TemplateException>(() => Template.Parse(source).Render(variables ?? []));

    [Theory]
    [InlineData("x\n   {% include 'other.jinja' %}", 2, 7, "unsupported tag 'include'")]
    [InlineData("{% extends 'base.jinja' %}", 1, 4, "unsupported tag 'extends'")]
    [InlineData("{% import 'macros.jinja' as m %}", 1, 4, "unsupported tag 'import'")]
    [InlineData("{% for x in items recursive %}{% endfor %}", 1, 19, "unsupported construct 'recursive' loop")]
    [InlineData("{% frobnicate %}", 1, 4, "unknown tag 'frobnicate'")]
    [InlineData("a\n{{ x | frobnicate }}", 2, 8, "unknown filter 'frobnicate'")]
    [InlineData("{{ x is frobnicated }}", 1, 6, "unknown test 'frobnicated'")]
    [InlineData("{{ 1 + }}", 1, 8, "expected an expression, got '}}'")]
    [InlineData("{% if true %}\nx", 1, 4, "missing '{% endif %}'")]
    [InlineData("{% endfor %}", 1, 4, "unexpected '{% endfor %}'")]
    [InlineData("{% break %}", 1, 4, "'{% break %}' outside a loop")]
    [InlineData("{{ 'unterminated }}", 1, 4, "unterminated string literal")]
    [InlineData("{# no end", 1, 1, "missing end of comment tag")]
    [InlineData("{{ f(*args) }}", 1, 6, "unsupported construct: '*' / '**' argument unpacking")]
    [InlineData("line\n{% if x %}\n  {{ y.z }}\n{% endif %}", 3, 7, "'y' is undefined")]
    [InlineData("{{ 'a' + 1 }}", 1, 8, "unsupported operand type(s) for +: 'str' and 'int'")]
    [InlineData("{{ 1 // 0 }}", 1, 6, "integer division or modulo by zero")]
    [InlineData("{% set d = {} %}{% set d.x = 1 %}", 1, 20, "not a namespace() object")]
    public void NamesTheProblemAndWhereItIs(string source, int line, int column, string message)
    {
        var error = Failure(source, new() { ["x"] = true });

        Assert.Equal(new SourcePosition(line, column), error.Position);
        Assert.Contains(message, error.Detail, StringComparison.Ordinal);
        Assert.StartsWith($"chat template {line}:{column}: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RaiseExceptionCarriesTheTemplatesMessage()
    {
        const string source = "{% for m in messages %}\n{% if m.role not in ['user', 'assistant'] %}\n{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}\n{% endif %}{% endfor %}";
        var messages = new List<object?> { new Dictionary<string, object?> { ["role"] = "tool" } };

        var error = Failure(source, new() { ["messages"] = messages });

        Assert.True(error.RaisedByTemplate);
        Assert.Equal(new SourcePosition(3, 4), error.Position);
        Assert.Equal("chat template 3:4: template raised an error: Conversation roles must alternate user/assistant/user/assistant/...", error.Message);
    }

    [Fact]
    public void TemplateErrorsAreFormatErrorsForTheCommandLine()
    {
        Assert.IsAssignableFrom<EdgeLlmException>(Failure("{% include 'x' %}"));
    }
}
