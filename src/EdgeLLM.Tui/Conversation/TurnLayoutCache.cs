namespace EdgeLLM.Tui.Conversation;

/// <summary>
/// Laid-out rows per turn, reused while a turn, the width and the reasoning toggle are unchanged,
/// so a streamed token re-wraps only the turn it belongs to, not a whole day of conversation.
/// </summary>
public sealed class TurnLayoutCache
{
    private readonly Dictionary<ConversationTurn, Entry> entries = [];

    public IReadOnlyList<DisplayLine> Rows(ConversationTurn turn, bool showReasoning, int width)
    {
        int version = turn.Version;
        if (entries.TryGetValue(turn, out Entry? entry) && entry.Version == version && entry.Width == width && entry.ShowReasoning == showReasoning)
        {
            return entry.Rows;
        }

        var rows = new List<DisplayLine>();
        TurnSnapshot snapshot = turn.Snapshot();
        ConversationLayout.AppendTurn(rows, snapshot, showReasoning, width);
        entries[turn] = new Entry(snapshot.Version, width, showReasoning, rows);
        return rows;
    }

    /// <summary>Drops the rows of turns no longer in the transcript.</summary>
    public void Keep(IReadOnlyList<ConversationTurn> turns)
    {
        if (entries.Count > turns.Count)
        {
            var live = turns.ToHashSet();
            foreach (ConversationTurn gone in entries.Keys.Where(turn => !live.Contains(turn)).ToList())
            {
                entries.Remove(gone);
            }
        }
    }

    private sealed record Entry(int Version, int Width, bool ShowReasoning, List<DisplayLine> Rows);
}
