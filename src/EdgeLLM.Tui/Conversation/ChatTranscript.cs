namespace EdgeLLM.Tui.Conversation;

/// <summary>The turns shown in the window, plus a notice shown when there are none yet.</summary>
public sealed class ChatTranscript
{
    private readonly List<ConversationTurn> turns = [];

    public IReadOnlyList<ConversationTurn> Turns => turns;

    /// <summary>Text shown instead of turns (welcome, or how to get a model); null: none.</summary>
    public string? Notice { get; set; }

    /// <summary>Reasoning blocks shown expanded (toggled with a key); collapsed by default once the answer starts.</summary>
    public bool ShowReasoning { get; set; }

    public ConversationTurn Begin(string userMessage)
    {
        var turn = new ConversationTurn(userMessage);
        turns.Add(turn);
        return turn;
    }

    public void Clear() => turns.Clear();
}
