using EdgeLLM.Text.Templates;

namespace EdgeLLM.Runtime.Tests.Text.Templates;

/// <summary>The sandbox: bounded loops, macro recursion, output and value sizes, and no way to reach .NET members.</summary>
public sealed class TemplateSandboxTests
{
    private static string Render(string source, TemplateLimits? limits = null, Dictionary<string, object?>? variables = null) =>
        Template.Parse(source, limits).Render(variables ?? []);

    private static TemplateException Refused(string source, TemplateLimits? limits = null, Dictionary<string, object?>? variables = null) =>
        Assert.Throws<TemplateException>(() => Render(source, limits, variables));

    [Fact]
    public void InfiniteMacroRecursionStopsAtTheCallDepthLimit()
    {
        var error = Refused("{% macro forever(n) %}{{ forever(n + 1) }}{% endmacro %}{{ forever(0) }}");

        Assert.Contains("macro calls nested deeper than the limit of 64", error.Message, StringComparison.Ordinal);
        Assert.Contains("'forever'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RecursionWithinTheLimitRenders()
    {
        Assert.Equal("55", Render("{% macro fib(n) %}{% if n < 2 %}{{ n }}{% else %}{{ fib(n - 1) | int + fib(n - 2) | int }}{% endif %}{% endmacro %}{{ fib(10) }}"));
    }

    [Fact]
    public void AHugeRangeIsRefusedBeforeItIsBuilt()
    {
        var error = Refused("{% for i in range(1000000000000) %}{% endfor %}");

        Assert.Contains("loop iterations exceed the limit of 1000000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoopIterationsAreCountedAcrossAllLoops()
    {
        var limits = new TemplateLimits { MaxLoopIterations = 50 };
        const string nested = "{% for a in items %}{% for b in items %}.{% endfor %}{% endfor %}";
        var items = new Dictionary<string, object?> { ["items"] = Enumerable.Range(0, 6).ToList() };

        Assert.Equal(36, Render(nested, limits, items).Length);
        items["items"] = Enumerable.Range(0, 7).ToList();
        Assert.Contains("loop iterations exceed the limit of 50", Refused(nested, limits, items).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OutputLargerThanTheLimitIsRefused()
    {
        var limits = new TemplateLimits { MaxOutputLength = 10_000 };

        Assert.Equal(10_000, Render("{% for i in range(10) %}{{ 'x' * 1000 }}{% endfor %}", limits).Length);
        var error = Refused("{% for i in range(11) %}{{ 'x' * 1000 }}{% endfor %}", limits);
        Assert.Contains("output exceeds the limit of 10000 characters", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValuesThatGrowWithoutOutputAreBoundedToo()
    {
        var limits = new TemplateLimits { MaxOutputLength = 100_000 };

        Assert.Contains("exceeds the output limit", Refused("{{ 'x' * 100000000000 }}", limits).Message, StringComparison.Ordinal);
        Assert.Contains("exceeds the output limit", Refused("{% set ns = namespace(s='ab') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}", limits).Message, StringComparison.Ordinal);
        Assert.Contains("exceeds the output limit", Refused("{% set ns = namespace(l=[1]) %}{% for i in range(64) %}{% set ns.l = ns.l + ns.l %}{% endfor %}", limits).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DeeplyNestedValuesAndExpressionsAreErrorsNotCrashes()
    {
        var nestedList = Refused("{% set ns = namespace(l=[]) %}{% for i in range(1000) %}{% set ns.l = [ns.l] %}{% endfor %}{{ ns.l }}");
        Assert.Contains("a value nested deeper than 500 levels", nestedList.Message, StringComparison.Ordinal);

        var parentheses = Refused("{{ " + new string('(', 5000) + "1" + new string(')', 5000) + " }}");
        Assert.Contains("nesting deeper than the limit of 200", parentheses.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{{ ''.__class__ }}", "access to attribute '__class__' of 'str' object is unsafe")]
    [InlineData("{{ messages.__len__() }}", "access to attribute '__len__' of 'list' object is unsafe")]
    [InlineData("{{ messages['_items'] }}", "access to attribute '_items' of 'list' object is unsafe")]
    [InlineData("{{ messages.GetType() }}", "'list object' has no attribute 'GetType': not callable")]
    [InlineData("{{ 'abc'.ToUpper() }}", "'str object' has no attribute 'ToUpper': not callable")]
    [InlineData("{{ namespace().GetHashCode() }}", "'Namespace object' has no attribute 'GetHashCode': not callable")]
    [InlineData("{{ range.Method }}", "'function object' has no attribute 'Method'")]
    public void DotNetMembersAreOutOfReach(string source, string message)
    {
        var error = Refused(source + "{{ range.Method.Name }}", variables: new() { ["messages"] = new List<object?>() });

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingMembersAreUndefinedLikeJinja()
    {
        var variables = new Dictionary<string, object?> { ["messages"] = new List<object?> { "a" } };

        Assert.Equal("[][][]False", Render("[{{ messages.GetType }}][{{ 'abc'.Length }}][{{ messages.Count }}]{{ messages.Count is defined }}", variables: variables));
    }

    [Fact]
    public void TheTemplateCannotChangeTheCallersData()
    {
        var messages = new List<object?> { new Dictionary<string, object?> { ["role"] = "user" } };

        Render("{% set messages = [] %}{% for m in messages %}{% endfor %}", variables: new() { ["messages"] = messages });

        Assert.Single(messages);
    }
}
