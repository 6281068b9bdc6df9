using EdgeLLM.Tui.Status;

namespace EdgeLLM.Tui.Chat;

/// <summary>
/// The screen a <see cref="ChatController"/> reports to. <see cref="Post"/> may be called from any thread; the
/// controller calls everything else only on the UI thread (from its own methods, or from work it posted).
/// </summary>
internal interface IChatView
{
    /// <summary>Runs <paramref name="action"/> on the UI thread; callable from any thread (where worker tasks report back).</summary>
    void Post(Action action);

    /// <summary>The transcript changed: text streamed, a turn ended, the chat was cleared, a notice was set.</summary>
    void TranscriptChanged();

    /// <summary>A reply began: its turn is the last one (the view follows it).</summary>
    void ReplyStarted();

    /// <summary>What the status line shows now.</summary>
    void ShowStatus(StatusFigures figures);

    /// <summary>One sentence about something that went wrong (a dialog in the window).</summary>
    void ShowError(string sentence);
}
