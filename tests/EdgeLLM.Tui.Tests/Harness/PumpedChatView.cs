using System.Collections.Concurrent;
using EdgeLLM.Tui.Chat;
using EdgeLLM.Tui.Conversation;
using EdgeLLM.Tui.Status;

namespace EdgeLLM.Tui.Tests.Harness;

/// <summary>
/// A <see cref="IChatView"/> without a terminal: work posted from any thread waits in a queue until the test
/// pumps it, so the test's own thread plays the UI thread (as <c>UiQueue</c> does for the window). It keeps what
/// the controller showed: the status figures, the errors, and the last turn as each transcript refresh saw it.
/// </summary>
internal sealed class PumpedChatView : IChatView
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(60);
    private readonly ConcurrentQueue<Action> work = new();

    /// <summary>The transcript whose last turn each refresh records; set once the controller exists.</summary>
    public ChatTranscript? Transcript { get; set; }

    public StatusFigures? Status { get; private set; }

    public List<string> Errors { get; } = [];

    /// <summary>The last turn as each transcript refresh found it (none before the first turn).</summary>
    public List<TurnSnapshot> Refreshes { get; } = [];

    public int RepliesStarted { get; private set; }

    public void Post(Action action) => work.Enqueue(action);

    public void TranscriptChanged()
    {
        if (Transcript is { Turns.Count: > 0 } transcript)
        {
            Refreshes.Add(transcript.Turns[^1].Snapshot());
        }
    }

    public void ReplyStarted() => RepliesStarted++;

    public void ShowStatus(StatusFigures figures) => Status = figures;

    public void ShowError(string sentence) => Errors.Add(sentence);

    /// <summary>Runs posted work on this thread until <paramref name="condition"/> holds; fails naming <paramref name="description"/> after a minute.</summary>
    public void PumpUntil(Func<bool> condition, string description)
    {
        DateTime giveUp = DateTime.UtcNow + WaitLimit;
        while (true)
        {
            while (work.TryDequeue(out Action? action))
            {
                action();
            }

            if (condition())
            {
                return;
            }

            if (DateTime.UtcNow > giveUp)
            {
                Assert.Fail($"Never saw {description}; errors shown: {string.Join(" | ", Errors)}");
            }

            Thread.Sleep(1);
        }
    }
}
