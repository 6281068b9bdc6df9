using System.Globalization;
using System.Text;
using Microsoft.ML.Tokenizers;

namespace EdgeLLM.Text.Tokenization.PreTokenization;

/// <summary>
/// The split regex of Llama 3 (OpenAI's cl100k pattern) and, with single digits, of Qwen2/Qwen3 (<see cref="SplitPatterns"/>):
/// <c>(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+</c>,
/// matched per Unicode code point as Hugging Face's Rust regex does. .NET's Regex classifies UTF-16 code units,
/// so a letter or emoji outside the BMP would split differently there; this scanner follows the alternatives
/// (and their backtracking) directly on runes. Every input position starts a match, so the pieces tile the text.
/// </summary>
internal sealed class Cl100kSplitPreTokenizer : PreTokenizer
{
    private readonly int _maximumDigitRun;

    private Cl100kSplitPreTokenizer(int maximumDigitRun) => _maximumDigitRun = maximumDigitRun;

    /// <summary>The scanner for one of the two known patterns, or null for any other pattern.</summary>
    public static Cl100kSplitPreTokenizer? ForPattern(string pattern) => pattern switch
    {
        SplitPatterns.Qwen => new Cl100kSplitPreTokenizer(1),
        SplitPatterns.Llama3 => new Cl100kSplitPreTokenizer(3),
        _ => null,
    };

    private enum CharacterClass
    {
        Letter,
        Number,
        Newline,
        WhiteSpace,
        Other,
    }

    public override IEnumerable<(int Offset, int Length)> PreTokenize(string text) => Split(text.AsSpan());

    public override IEnumerable<(int Offset, int Length)> PreTokenize(ReadOnlySpan<char> text) => Split(text);

    private List<(int Offset, int Length)> Split(ReadOnlySpan<char> text)
    {
        var pieces = new List<(int Offset, int Length)>();
        for (int position = 0; position < text.Length;)
        {
            int length = MatchAt(text, position);
            pieces.Add((position, length));
            position += length;
        }

        return pieces;
    }

    private int MatchAt(ReadOnlySpan<char> text, int start)
    {
        int contraction = ContractionLength(text, start);
        if (contraction > 0)
        {
            return contraction;
        }

        (CharacterClass first, int firstLength) = Classify(text, start);

        // [^\r\n\p{L}\p{N}]?\p{L}+
        if (first == CharacterClass.Letter)
        {
            return SkipClass(text, start, CharacterClass.Letter) - start;
        }

        if (first is CharacterClass.WhiteSpace or CharacterClass.Other && start + firstLength < text.Length
            && Classify(text, start + firstLength).Class == CharacterClass.Letter)
        {
            return SkipClass(text, start + firstLength, CharacterClass.Letter) - start;
        }

        // \p{N} or \p{N}{1,3}
        if (first == CharacterClass.Number)
        {
            int end = start;
            for (int digits = 0; digits < _maximumDigitRun && end < text.Length; digits++)
            {
                (CharacterClass next, int nextLength) = Classify(text, end);
                if (next != CharacterClass.Number)
                {
                    break;
                }

                end += nextLength;
            }

            return end - start;
        }

        //  ?[^\s\p{L}\p{N}]+[\r\n]*
        int symbolStart = text[start] == ' ' ? start + 1 : start;
        if (symbolStart < text.Length && Classify(text, symbolStart).Class == CharacterClass.Other)
        {
            int end = SkipClass(text, symbolStart, CharacterClass.Other);
            while (end < text.Length && text[end] is '\r' or '\n')
            {
                end++;
            }

            return end - start;
        }

        // The rest is whitespace (every whitespace character is in the BMP).
        int runEnd = start;
        int lastNewline = -1;
        while (runEnd < text.Length && char.IsWhiteSpace(text[runEnd]))
        {
            if (text[runEnd] is '\r' or '\n')
            {
                lastNewline = runEnd;
            }

            runEnd++;
        }

        // \s*[\r\n]+ : greedy whitespace backs off to the last newline of the run.
        if (lastNewline >= 0)
        {
            return lastNewline + 1 - start;
        }

        // \s+(?!\S) : the whole run at the end of the text, else all but its last character; then \s+.
        if (runEnd == text.Length || runEnd - start == 1)
        {
            return runEnd - start;
        }

        return runEnd - 1 - start;
    }

    /// <summary><c>(?i:'s|'t|'re|'ve|'m|'ll|'d)</c>: the match length, or 0.</summary>
    private static int ContractionLength(ReadOnlySpan<char> text, int start)
    {
        if (text[start] != '\'' || start + 1 >= text.Length)
        {
            return 0;
        }

        char next = char.ToLowerInvariant(text[start + 1]);
        if (next is 's' or 't' or 'm' or 'd' or '\u017F')
        {
            return 2;
        }

        if (start + 2 < text.Length)
        {
            char after = char.ToLowerInvariant(text[start + 2]);
            if ((next == 'r' && after == 'e') || (next == 'v' && after == 'e') || (next == 'l' && after == 'l'))
            {
                return 3;
            }
        }

        return 0;
    }

    private static int SkipClass(ReadOnlySpan<char> text, int position, CharacterClass characterClass)
    {
        while (position < text.Length)
        {
            (CharacterClass next, int length) = Classify(text, position);
            if (next != characterClass)
            {
                break;
            }

            position += length;
        }

        return position;
    }

    private static (CharacterClass Class, int Length) Classify(ReadOnlySpan<char> text, int position)
    {
        char character = text[position];
        if (character < 0x80)
        {
            return (character switch
            {
                '\r' or '\n' => CharacterClass.Newline,
                >= 'a' and <= 'z' or >= 'A' and <= 'Z' => CharacterClass.Letter,
                >= '0' and <= '9' => CharacterClass.Number,
                ' ' or '\t' or '\v' or '\f' => CharacterClass.WhiteSpace,
                _ => CharacterClass.Other,
            }, 1);
        }

        if (Rune.DecodeFromUtf16(text[position..], out Rune rune, out int length) != System.Buffers.OperationStatus.Done)
        {
            return (CharacterClass.Other, 1);
        }

        if (Rune.IsWhiteSpace(rune))
        {
            return (CharacterClass.WhiteSpace, length);
        }

        return (Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => CharacterClass.Letter,
            UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => CharacterClass.Number,
            _ => CharacterClass.Other,
        }, length);
    }
}
