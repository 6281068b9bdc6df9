namespace EdgeLLM.Server.Engine;

/// <summary>
/// Finds the first stop string in streamed text. Pieces come from the streaming detokenizer, so they hold whole
/// characters; the matcher works on those strings, never on bytes, and so never cuts inside a UTF-8 character.
/// Text that could still be the start of a stop string is held back until the next piece decides it.
/// </summary>
public sealed class StopStringMatcher
{
    private readonly IReadOnlyList<string> stops;
    private string pending = string.Empty;

    public StopStringMatcher(IReadOnlyList<string> stops)
    {
        ArgumentNullException.ThrowIfNull(stops);
        this.stops = stops;
    }

    /// <summary>True once a stop string was found; nothing more is released after it.</summary>
    public bool Stopped { get; private set; }

    /// <summary>Feeds a piece; returns the text that is certainly before any stop string.</summary>
    public string Push(string piece)
    {
        ArgumentNullException.ThrowIfNull(piece);
        if (Stopped)
        {
            return string.Empty;
        }

        string text = pending + piece;
        if (stops.Count == 0)
        {
            pending = string.Empty;
            return text;
        }

        int first = -1;
        foreach (string stop in stops)
        {
            int at = text.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (first < 0 || at < first))
            {
                first = at;
            }
        }

        if (first >= 0)
        {
            Stopped = true;
            pending = string.Empty;
            return text[..first];
        }

        int keep = LongestStopPrefixAtEnd(text);
        if (keep > 0 && char.IsLowSurrogate(text[^keep]))
        {
            keep++; // Never split a surrogate pair: a held-back tail starts on a whole character.
        }

        pending = text[^keep..];
        return text[..^keep];
    }

    /// <summary>The reply ended without a stop string: releases what was held back.</summary>
    public string Flush()
    {
        string rest = Stopped ? string.Empty : pending;
        pending = string.Empty;
        return rest;
    }

    private int LongestStopPrefixAtEnd(string text)
    {
        int longest = 0;
        foreach (string stop in stops)
        {
            for (int length = Math.Min(stop.Length - 1, text.Length); length > longest; length--)
            {
                if (text.AsSpan(text.Length - length).SequenceEqual(stop.AsSpan(0, length)))
                {
                    longest = length;
                    break;
                }
            }
        }

        return longest;
    }
}
