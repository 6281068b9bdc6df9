using System.Text;
using Microsoft.ML.Tokenizers;

namespace EdgeLLM.Text.Tokenization.Normalization;

/// <summary>
/// Unicode NFC (canonical decomposition, canonical ordering, canonical composition), as Hugging Face's
/// <c>NFC</c> normalizer. Written out because <see cref="string.Normalize()"/> is a no-op under
/// InvariantGlobalization; the data comes from <see cref="UnicodeNormalizationTables"/>.
/// </summary>
internal sealed class NfcNormalizer : Normalizer
{
    private const int HangulSyllableBase = 0xAC00;
    private const int HangulLeadBase = 0x1100;
    private const int HangulVowelBase = 0x1161;
    private const int HangulTrailBase = 0x11A7;
    private const int HangulVowelCount = 21;
    private const int HangulTrailCount = 28;
    private const int HangulLeadCount = 19;
    private const int HangulSyllableCount = HangulLeadCount * HangulVowelCount * HangulTrailCount;

    /// <summary>Every code point below U+0300 is NFC-stable and composes with nothing before it.</summary>
    private const int FirstUnstableCodePoint = 0x300;

    public static NfcNormalizer Instance { get; } = new();

    public override string Normalize(string original) => IsTriviallyComposed(original) ? original : Compose(original);

    public override string Normalize(ReadOnlySpan<char> original) => IsTriviallyComposed(original) ? original.ToString() : Compose(original);

    private static bool IsTriviallyComposed(ReadOnlySpan<char> text)
        => !text.ContainsAnyExceptInRange('\0', (char)(FirstUnstableCodePoint - 1));

    private static string Compose(ReadOnlySpan<char> text)
    {
        var codePoints = new List<int>(text.Length + 8);
        foreach (Rune rune in text.EnumerateRunes())
        {
            Decompose(rune.Value, codePoints);
        }

        SortCombiningMarks(codePoints);
        int length = ComposeInPlace(codePoints);

        var builder = new StringBuilder(length + 4);
        for (int index = 0; index < length; index++)
        {
            builder.Append(new Rune(codePoints[index]));
        }

        return builder.ToString();
    }

    private static void Decompose(int codePoint, List<int> output)
    {
        int syllableIndex = codePoint - HangulSyllableBase;
        if ((uint)syllableIndex < HangulSyllableCount)
        {
            output.Add(HangulLeadBase + (syllableIndex / (HangulVowelCount * HangulTrailCount)));
            output.Add(HangulVowelBase + (syllableIndex % (HangulVowelCount * HangulTrailCount) / HangulTrailCount));
            int trail = syllableIndex % HangulTrailCount;
            if (trail != 0)
            {
                output.Add(HangulTrailBase + trail);
            }

            return;
        }

        int key = UnicodeNormalizationTables.DecompositionKeys.BinarySearch(codePoint);
        if (key < 0)
        {
            output.Add(codePoint);
            return;
        }

        int start = UnicodeNormalizationTables.DecompositionOffsets[key];
        int end = UnicodeNormalizationTables.DecompositionOffsets[key + 1];
        foreach (int part in UnicodeNormalizationTables.DecompositionValues[start..end])
        {
            output.Add(part);
        }
    }

    /// <summary>Canonical ordering: a stable sort of each run of non-starters by combining class.</summary>
    private static void SortCombiningMarks(List<int> codePoints)
    {
        for (int index = 1; index < codePoints.Count; index++)
        {
            int combiningClass = CombiningClass(codePoints[index]);
            if (combiningClass == 0)
            {
                continue;
            }

            int position = index;
            int codePoint = codePoints[index];
            while (position > 0 && CombiningClass(codePoints[position - 1]) > combiningClass)
            {
                codePoints[position] = codePoints[position - 1];
                position--;
            }

            codePoints[position] = codePoint;
        }
    }

    /// <summary>Canonical composition (UAX #15): returns the composed length.</summary>
    private static int ComposeInPlace(List<int> codePoints)
    {
        if (codePoints.Count == 0)
        {
            return 0;
        }

        int starterPosition = 0;
        int starter = codePoints[0];
        int lastClass = CombiningClass(starter) == 0 ? 0 : 256;
        int written = 1;
        for (int index = 1; index < codePoints.Count; index++)
        {
            int codePoint = codePoints[index];
            int combiningClass = CombiningClass(codePoint);
            int composite = lastClass < combiningClass || lastClass == 0 ? Composite(starter, codePoint) : -1;
            if (composite >= 0)
            {
                codePoints[starterPosition] = composite;
                starter = composite;
                continue;
            }

            if (combiningClass == 0)
            {
                starterPosition = written;
                starter = codePoint;
            }

            lastClass = combiningClass;
            codePoints[written++] = codePoint;
        }

        return written;
    }

    private static int Composite(int first, int second)
    {
        int leadIndex = first - HangulLeadBase;
        int vowelIndex = second - HangulVowelBase;
        if ((uint)leadIndex < HangulLeadCount && (uint)vowelIndex < HangulVowelCount)
        {
            return HangulSyllableBase + (((leadIndex * HangulVowelCount) + vowelIndex) * HangulTrailCount);
        }

        int syllableIndex = first - HangulSyllableBase;
        int trailIndex = second - HangulTrailBase;
        if ((uint)syllableIndex < HangulSyllableCount && syllableIndex % HangulTrailCount == 0 && trailIndex > 0 && trailIndex < HangulTrailCount)
        {
            return first + trailIndex;
        }

        int pair = UnicodeNormalizationTables.CompositionPairs.BinarySearch(((ulong)(uint)first << 21) | (uint)second);
        return pair >= 0 ? UnicodeNormalizationTables.Composites[pair] : -1;
    }

    private static int CombiningClass(int codePoint)
    {
        if (codePoint < FirstUnstableCodePoint)
        {
            return 0;
        }

        ReadOnlySpan<uint> classes = UnicodeNormalizationTables.CombiningClasses;
        int index = classes.BinarySearch(((uint)codePoint << 8) | 0xFF);
        index = index < 0 ? ~index - 1 : index;
        return index >= 0 && classes[index] >> 8 == (uint)codePoint ? (int)(classes[index] & 0xFF) : 0;
    }
}
