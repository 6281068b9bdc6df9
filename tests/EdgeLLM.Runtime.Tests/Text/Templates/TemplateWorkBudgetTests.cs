using System.Diagnostics;
using EdgeLLM.Text.Templates;

namespace EdgeLLM.Runtime.Tests.Text.Templates;

/// <summary>
/// A hostile chat template cannot hang a render (issue 16, item 4): a total work budget (steps and characters
/// of strings built) ends exponential macros and quadratic string building, each well inside the per-loop and
/// depth limits, in about a second; cancellation (Ctrl-C, the chat's Esc) ends any render at once. Before the
/// budget both ran at 100% CPU past 60 s.
/// </summary>
public sealed class TemplateWorkBudgetTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public void AMacroCallingItselfTwicePerLevelEndsAtTheStepBudget()
    {
        const string source = "{% macro f(n) %}{% if n > 0 %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(40) }}";
        (Exception? error, TimeSpan elapsed) = RenderWithin(Template.Parse(source), CancellationToken.None);
        TemplateException refused = Assert.IsType<TemplateException>(error);
        Assert.Contains("more than 10,000,000 steps of work", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', refused.Message);
        Assert.True(elapsed < TimeSpan.FromSeconds(45), $"{elapsed.TotalSeconds:0.0} s (shared machine: the point is that it ends)");
    }

    [Fact]
    public void QuadraticStringConcatenationEndsAtTheCharacterBudget()
    {
        const string source = "{% set ns = namespace(s='') %}{% for i in range(900000) %}{% set ns.s = ns.s + 'x' %}{% endfor %}{{ ns.s | length }}";
        (Exception? error, TimeSpan elapsed) = RenderWithin(Template.Parse(source), CancellationToken.None);
        TemplateException refused = Assert.IsType<TemplateException>(error);
        Assert.Contains("characters of strings (quadratic string building?)", refused.Message, StringComparison.Ordinal);
        Assert.True(elapsed < TimeSpan.FromSeconds(45), $"{elapsed.TotalSeconds:0.0} s (shared machine: the point is that it ends)");
    }

    [Fact]
    public void CancellationEndsARenderAtOnce()
    {
        // Without a budget this render would run for minutes; the token ends it within a few steps.
        var unbounded = new TemplateLimits { MaxSteps = long.MaxValue, MaxWorkCharacters = long.MaxValue, MaxLoopIterations = int.MaxValue };
        Template template = Template.Parse("{% macro f(n) %}{% if n > 0 %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(40) }}", unbounded);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        (Exception? error, TimeSpan elapsed) = RenderWithin(template, cancellation.Token);
        Assert.IsType<OperationCanceledException>(error, exactMatch: false);
        // Uncancelled, this render never ends; ending at all (not how fast, on a shared machine) is the point.
        Assert.True(elapsed < TimeSpan.FromSeconds(45), $"cancelled render took {elapsed.TotalSeconds:0.0} s");

        // A token cancelled before the render starts: nothing is rendered.
        Assert.ThrowsAny<OperationCanceledException>(() => Template.Parse("hello").Render(new Dictionary<string, object?>(), cancellation: new CancellationToken(canceled: true)));
    }

    [Fact]
    public void ARealChatTemplateUsesAFractionOfTheBudget()
    {
        var tight = new TemplateLimits { MaxSteps = 20_000, MaxWorkCharacters = 1_000_000 };
        var messages = Enumerable.Range(0, 40).Select(index => new Dictionary<string, object?> { ["role"] = index % 2 == 0 ? "user" : "assistant", ["content"] = new string('w', 2000) }).Cast<object?>().ToList();
        string rendered = Template.Parse("{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] | trim }}{% endfor %}", tight)
            .Render(new Dictionary<string, object?> { ["messages"] = messages });
        Assert.Equal((40 * 2000) + (20 * 8) + (20 * 13), rendered.Length);
    }

    private static (Exception? Error, TimeSpan Elapsed) RenderWithin(Template template, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        Task<string> render = Task.Run(() => template.Render(new Dictionary<string, object?>(), cancellation: cancellation), CancellationToken.None);
        Assert.True(((IAsyncResult)render).AsyncWaitHandle.WaitOne(Bound), $"the render still ran after {Bound.TotalSeconds} s");
        return (render.Exception?.GetBaseException(), clock.Elapsed);
    }
}
