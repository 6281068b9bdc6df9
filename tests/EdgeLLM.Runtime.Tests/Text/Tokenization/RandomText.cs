using System.Text;

namespace EdgeLLM.Runtime.Tests.Text.Tokenization;

/// <summary>
/// Reproducible hard strings for the tokenizer oracle: mixed scripts (Latin, Cyrillic, Greek, Arabic, CJK,
/// Devanagari, Hangul and conjoining jamo), combining marks in any order (NFC), emoji with ZWJ and skin tones,
/// whitespace runs with CR LF and tabs, digits, contractions, punctuation, characters outside the BMP and the
/// tokenizer's own added-token text embedded anywhere.
/// </summary>
internal sealed class RandomText(int seed, IReadOnlyList<string> addedTokenTexts)
{
    private static readonly string[] WhiteSpace = [" ", "  ", "   ", "\t", "\t\t", "\r\n", "\n", "\n\n", "\r\n\r\n", " \n ", " \t ", "\u00A0", "\u3000", "\u2009", "\r", "\v", "\f"];
    private static readonly string[] Emoji = ["👩‍💻", "👨‍👩‍👧‍👦", "🏳️‍🌈", "❤️", "🦙", "👍🏽", "🍓", "🧑🏿‍🚀", "😀", "🇩🇪", "✨", "⭐", "1️⃣", "🫠"];
    private static readonly string[] Contractions = ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "'LL", "'Re", "'D", "'x", "'", "'\u017F", "'\u017Ft"];
    private static readonly string[] NormalizationPairs = ["e\u0301", "A\u030A", "\u212B", "\u2126", "o\u0308\u0304", "\u1100\u1161\u11A8", "\u0915\u093C", "\u00E9", "fi", "\uFB01", "ﾊﾟ", "\u0041\u0323\u0302", "\u1E0B\u0323", "\u0071\u0307\u0323"];
    private static readonly string[] Words = ["the", "The", "hello", "world", "quantization", "Raspberry", "int4", "naïve", "über", "Привет", "мир", "γειά", "κόσμε", "Ünïcödé", "résumé", "https://example.com/a?b=1", "x**2", "{\"a\": 1}", "C#", "<tag>", "</s>", "<|", "|>", "<｜", "▁", "Ġ"];

    private readonly Random _random = new(seed);

    public string Next()
    {
        var text = new StringBuilder();
        int parts = _random.Next(1, 12);
        for (int part = 0; part < parts; part++)
        {
            AppendPart(text);
        }

        return text.ToString();
    }

    private void AppendPart(StringBuilder text)
    {
        switch (_random.Next(16))
        {
            case 0:
                AppendRange(text, 'a', 'z', 1, 10);
                break;
            case 1:
                text.Append(Pick(WhiteSpace));
                break;
            case 2:
                AppendRange(text, '0', '9', 1, 8);
                break;
            case 3:
                for (int count = _random.Next(1, 4); count > 0; count--)
                {
                    text.Append("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"[_random.Next(32)]);
                }

                break;
            case 4:
                AppendRange(text, 0x0621, 0x064A, 1, 8);
                if (_random.Next(2) == 0)
                {
                    AppendRange(text, 0x064B, 0x0652, 1, 2);
                }

                break;
            case 5:
                AppendRange(text, 0x4E00, 0x9FFF, 1, 6);
                break;
            case 6:
                AppendRange(text, 0x0905, 0x0939, 1, 3);
                AppendRange(text, 0x093E, 0x094D, 0, 2);
                break;
            case 7:
                AppendRange(text, 'a', 'z', 1, 2);
                AppendRange(text, 0x0300, 0x036F, 1, 3);
                break;
            case 8:
                text.Append(Pick(Emoji));
                break;
            case 9:
                if (addedTokenTexts.Count > 0)
                {
                    text.Append(addedTokenTexts[_random.Next(addedTokenTexts.Count)]);
                }

                break;
            case 10:
                text.Append(Pick(Contractions));
                break;
            case 11:
                text.Append(Pick(Words));
                break;
            case 12:
                AppendRange(text, 0xAC00, 0xD7A3, 1, 3);
                AppendRange(text, 0x1100, 0x1112, 0, 1);
                AppendRange(text, 0x1161, 0x1175, 0, 1);
                break;
            case 13:
                text.Append(Pick(NormalizationPairs));
                break;
            case 14:
                int[] astralStarts = [0x1D400, 0x20000, 0x1F300, 0x10400];
                int start = Pick(astralStarts);
                AppendRange(text, start, start + 0x50, 1, 3);
                break;
            default:
                AppendRange(text, 0x00A0, 0x24FF, 1, 4);
                break;
        }
    }

    private void AppendRange(StringBuilder text, int first, int last, int minimumCount, int maximumCount)
    {
        for (int count = _random.Next(minimumCount, maximumCount + 1); count > 0; count--)
        {
            text.Append(char.ConvertFromUtf32(_random.Next(first, last + 1)));
        }
    }

    private T Pick<T>(T[] items) => items[_random.Next(items.Length)];
}
