namespace EdgeLLM.Text.Tokenization;

/// <summary>
/// Splits text on added tokens the way Hugging Face does before normalizing: the leftmost match wins, and of
/// the tokens starting there the longest; text between matches goes to the model.
/// </summary>
internal sealed class AddedTokenSplitter
{
    private readonly Dictionary<char, AddedToken[]> _byFirstCharacter;

    public AddedTokenSplitter(IEnumerable<AddedToken> tokens)
    {
        _byFirstCharacter = tokens
            .Where(token => token.Content.Length > 0)
            .GroupBy(token => token.Content[0])
            .ToDictionary(group => group.Key, group => group.OrderByDescending(token => token.Content.Length).ToArray());
    }

    /// <summary>A piece of the input: an added token, or a run of ordinary text (<paramref name="Token"/> null).</summary>
    public readonly record struct Segment(int Offset, int Length, AddedToken? Token);

    public List<Segment> Split(string text)
    {
        var segments = new List<Segment>();
        int textStart = 0;
        int position = 0;
        while (position < text.Length)
        {
            AddedToken? token = MatchAt(text, position);
            if (token is null)
            {
                position++;
                continue;
            }

            int start = position;
            int end = position + token.Content.Length;
            if (token.StripLeft)
            {
                while (start > textStart && char.IsWhiteSpace(text[start - 1]))
                {
                    start--;
                }
            }

            if (token.StripRight)
            {
                while (end < text.Length && char.IsWhiteSpace(text[end]))
                {
                    end++;
                }
            }

            if (start > textStart)
            {
                segments.Add(new Segment(textStart, start - textStart, null));
            }

            segments.Add(new Segment(start, end - start, token));
            textStart = end;
            position = end;
        }

        if (textStart < text.Length)
        {
            segments.Add(new Segment(textStart, text.Length - textStart, null));
        }

        return segments;
    }

    private AddedToken? MatchAt(string text, int position)
    {
        if (!_byFirstCharacter.TryGetValue(text[position], out AddedToken[]? candidates))
        {
            return null;
        }

        ReadOnlySpan<char> rest = text.AsSpan(position);
        foreach (AddedToken candidate in candidates)
        {
            if (rest.StartsWith(candidate.Content, StringComparison.Ordinal))
            {
                return candidate;
            }
        }

        return null;
    }
}
