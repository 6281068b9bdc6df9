using System.Text;
using EdgeLLM.Runtime.Chat;

namespace EdgeLLM.Tui.Conversation;

/// <summary>
/// One user message and the reply streamed for it. Text arrives on the generation thread and is
/// read on the UI thread, so every access goes through one lock; once stopped, late pieces are dropped.
/// </summary>
public sealed class ConversationTurn
{
    private readonly object gate = new();
    private readonly StringBuilder reasoning = new();
    private readonly StringBuilder answer = new();
    private TurnState state = TurnState.Streaming;
    private string? note;
    private int version;

    public ConversationTurn(string userMessage)
    {
        UserMessage = userMessage;
    }

    public string UserMessage { get; }

    /// <summary>Grows with every change (text, stop, end).</summary>
    public int Version
    {
        get
        {
            lock (gate)
            {
                return version;
            }
        }
    }

    /// <summary>Adds a streamed piece; false when the turn no longer takes text (stopped or ended).</summary>
    public bool Append(ChatStreamEvent piece)
    {
        lock (gate)
        {
            if (state != TurnState.Streaming)
            {
                return false;
            }

            (piece.Part == ReplyPart.Reasoning ? reasoning : answer).Append(piece.Text);
            version++;
            return true;
        }
    }

    /// <summary>Freezes the text as it is now (Esc); returns false when the turn had already ended.</summary>
    public bool Stop()
    {
        lock (gate)
        {
            if (state != TurnState.Streaming)
            {
                return false;
            }

            state = TurnState.Stopped;
            note = "stopped";
            version++;
            return true;
        }
    }

    /// <summary>Ends the turn; <paramref name="endNote"/> says why when it was not a normal end (e.g. "max tokens reached").</summary>
    public void Finish(string? endNote)
    {
        lock (gate)
        {
            if (state == TurnState.Streaming)
            {
                state = TurnState.Finished;
                note = endNote;
                version++;
            }
        }
    }

    public void Fail(string message)
    {
        lock (gate)
        {
            state = TurnState.Failed;
            note = message;
            version++;
        }
    }

    public TurnSnapshot Snapshot()
    {
        lock (gate)
        {
            return new TurnSnapshot(UserMessage, reasoning.ToString(), answer.ToString(), state, note, version);
        }
    }
}
