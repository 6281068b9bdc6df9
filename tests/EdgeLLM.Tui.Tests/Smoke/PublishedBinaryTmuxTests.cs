using System.Text.RegularExpressions;
using EdgeLLM.Runtime.Chat;
using EdgeLLM.Tests.Shared;
using EdgeLLM.Tui.Settings;
using Xunit.Abstractions;

namespace EdgeLLM.Tui.Tests.Smoke;

/// <summary>
/// The published `edgellm` in tmux at 80×24, as a person over SSH uses it: with no arguments it
/// offers the models under ~/.edgellm/models, one is opened, a question is typed and sent, tokens
/// arrive, Esc stops the reply mid-way, Ctrl+S saves it, Ctrl+Q quits. Both a 256-colour xterm and
/// the 16-colour Linux console. HOME is a temporary folder, so nothing of this machine leaks in.
/// </summary>
[Collection(UiCollection.Name)]
public sealed partial class PublishedBinaryTmuxTests : IClassFixture<SmokeModel>
{
    private const string Question = "What is 2+2?";
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(90);
    private readonly SmokeModel smokeModel;
    private readonly ITestOutputHelper output;

    public PublishedBinaryTmuxTests(SmokeModel smokeModel, ITestOutputHelper output)
    {
        this.smokeModel = smokeModel;
        this.output = output;
    }

    [Theory]
    [InlineData("xterm-256color")]
    [InlineData("linux")]
    public void AQuestionStreamsStopsOnEscAndQuitsWithCtrlQ(string term)
    {
        if (!SmokePrerequisites.Ready(output))
        {
            return;
        }

        using TempFolder temp = TestPaths.CreateTemp();
        string home = Path.Combine(temp.Path, "home");
        string model = Path.Combine(home, ".edgellm", "models", "tiny-r1-qwen2");
        Directory.CreateDirectory(Path.GetDirectoryName(model)!);
        Directory.CreateSymbolicLink(model, smokeModel.Folder);
        // Greedy and without reasoning, so the reply is answer text; long enough to be stopped mid-way.
        SettingsFile.Save(
            Path.Combine(home, ".edgellm", "settings.json"),
            new TuiSettings { Chat = new() { Temperature = 0, MaxTokens = 4000, Think = ThinkMode.Off }, LastModel = model });

        var environment = new Dictionary<string, string>
        {
            ["HOME"] = home,
            ["TERM"] = term,
            ["LANG"] = "C.UTF-8",
            ["PATH"] = "/usr/local/bin:/usr/bin:/bin",
        };
        using var pane = new TmuxPane(80, 24, environment, SmokePrerequisites.PublishedBinary);

        // No arguments: the picker lists the model found in ~/.edgellm/models.
        WaitFor(pane, rows => rows.Any(row => row.Contains("Pick a model", StringComparison.Ordinal))
            && rows.Any(row => row.Contains("tiny-r1-qwen2  (", StringComparison.Ordinal)), "the model picker");
        pane.Press("Enter");
        string[] ready = WaitFor(pane, rows => rows.Any(row => row.Contains("tiny-r1-qwen2 is ready", StringComparison.Ordinal)), "the model ready");
        Assert.StartsWith("tiny-r1-qwen2 int4 | CPU", ready[0], StringComparison.Ordinal);
        Assert.Matches(@"\| ctx 0/\d+ \|", ready[0]);

        // The dialogs work in the native binary: help (F1), settings (F2), device info (F4, what `edgellm devices` prints).
        OpenAndClose(pane, "F1", "Enter              send the message");
        OpenAndClose(pane, "F2", "Temperature    0");
        OpenAndClose(pane, "F4", "onnxruntime");

        pane.Type(Question);
        WaitFor(pane, rows => rows.Skip(19).Any(row => row.StartsWith(Question, StringComparison.Ordinal)), "the question in the message box");
        pane.Press("Enter");
        string[] first = WaitFor(pane, rows => Generating(rows) && AnswerRows(rows).Any(), "answer tokens while generating");
        string[] later = WaitFor(pane, rows => Generating(rows) && !AnswerRows(rows).SequenceEqual(AnswerRows(first)), "more answer tokens arriving");
        output.WriteLine($"TERM={term}, generating:\n{string.Join('\n', later)}");

        pane.Press("Escape");
        string[] stopped = WaitFor(pane, rows => !Generating(rows) && rows.Any(row => row.StartsWith("[stopped]", StringComparison.Ordinal)), "the reply stopped by Esc");
        output.WriteLine($"TERM={term}, after Esc:\n{string.Join('\n', stopped)}");
        Assert.Equal(24, stopped.Length);

        // Status line: model and precision, provider, prefill/decode speed, context used/limit, memory.
        Match status = StatusLine().Match(stopped[0]);
        Assert.True(status.Success, $"status line: \"{stopped[0]}\"");
        int limit = int.Parse(status.Groups["limit"].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(int.Parse(status.Groups["used"].Value, System.Globalization.CultureInfo.InvariantCulture), 10, limit);
        Assert.InRange(int.Parse(status.Groups["memory"].Value, System.Globalization.CultureInfo.InvariantCulture), 10, 4096);
        Assert.Contains(stopped, row => row.Contains("Enter sends, Ctrl+J new line", StringComparison.Ordinal));
        Assert.Contains(stopped, row => row.Contains("F1 Help", StringComparison.Ordinal) || row.Contains("F1  Help", StringComparison.Ordinal));
        string escapes = pane.CaptureWithEscapes();
        Assert.Contains("\u001b[", escapes, StringComparison.Ordinal);
        if (term == "linux")
        {
            // The 16-colour console: only the 16 classic colours, never 256-colour or RGB sequences.
            Assert.DoesNotMatch(@"\e\[[0-9;]*[34]8;[25];", escapes);
        }

        // The answer on screen is the answer the chat kept: save it (Ctrl+S) and compare.
        pane.Press("C-s");
        WaitFor(pane, rows => rows.Any(row => row.Contains("The chat was saved to", StringComparison.Ordinal)), "the saved message");
        pane.Press("Enter");
        WaitFor(pane, rows => !rows.Any(row => row.Contains("The chat was saved to", StringComparison.Ordinal)), "the saved message closed");
        string transcript = File.ReadAllText(Assert.Single(Directory.GetFiles(Path.Combine(home, ".edgellm", "transcripts"), "*.md")));
        Assert.Contains($"## You\n\n{Question}\n", transcript, StringComparison.Ordinal);
        Assert.Contains("\n_stopped_\n", transcript, StringComparison.Ordinal);
        string answer = Collapse(transcript[(transcript.IndexOf("## tiny-r1-qwen2", StringComparison.Ordinal) + 17)..transcript.LastIndexOf("_stopped_", StringComparison.Ordinal)]);
        // Rows with a replacement mark stand for bytes that are not text; the others are compared as drawn.
        string[] comparable = [.. AnswerRows(stopped).Select(Collapse).Where(row => !row.Contains('\uFFFD', StringComparison.Ordinal))];
        Assert.NotEmpty(comparable);
        Assert.All(comparable, row => Assert.True(answer.Contains(row, StringComparison.Ordinal), $"\"{row}\" is not in the saved answer \"{answer}\""));

        pane.Press("C-q");
        WaitFor(pane, _ => pane.ExitStatus() is not null, "edgellm exited");
        Assert.Equal(0, pane.ExitStatus());
    }

    private void OpenAndClose(TmuxPane pane, string key, string shown)
    {
        pane.Press(key);
        WaitFor(pane, rows => rows.Any(row => row.Contains(shown, StringComparison.Ordinal)), $"\"{shown}\" after {key}");
        pane.Press("Escape");
        WaitFor(pane, rows => !rows.Any(row => row.Contains(shown, StringComparison.Ordinal)), $"the dialog of {key} closed");
    }

    private static bool Generating(string[] rows) => rows[0].Contains("generating", StringComparison.Ordinal);

    /// <summary>
    /// The answer as drawn: the conversation rows (below the status line, above the message box's
    /// title) other than the question, the stop note and the scroll bar at the right edge.
    /// </summary>
    private static IEnumerable<string> AnswerRows(string[] rows)
        => rows.Skip(1)
            .TakeWhile(row => !row.StartsWith("-- Enter sends", StringComparison.Ordinal))
            .Select(row => row.TrimEnd(' ', '▲', '▼', '░', '█', '▒', '▓'))
            .Where(row => row.Trim().Length > 0 && row != "..." && !row.StartsWith("> ", StringComparison.Ordinal) && !row.StartsWith("[stopped]", StringComparison.Ordinal));

    private static string Collapse(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private string[] WaitFor(TmuxPane pane, Func<string[], bool> condition, string description)
    {
        DateTime giveUp = DateTime.UtcNow + WaitLimit;
        string[] rows = pane.Capture();
        while (!condition(rows))
        {
            if (DateTime.UtcNow > giveUp || (pane.ExitStatus() is not null && description != "edgellm exited"))
            {
                Assert.Fail($"The pane never showed {description}. Last screen:\n{string.Join('\n', rows)}");
            }

            Thread.Sleep(50);
            rows = pane.Capture();
        }

        return rows;
    }

    [GeneratedRegex(@"^tiny-r1-qwen2 int4 \| CPU (ORT|EdgeLLM)( \d+t)? \| \d+/\d+\.\d tok/s \| ctx (?<used>\d+)/(?<limit>\d+) \| (?<memory>\d+) MiB")]
    private static partial Regex StatusLine();
}
