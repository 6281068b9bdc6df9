using System.Text;

namespace EdgeLLM.Runtime.Chat;

/// <summary>
/// Splits a streamed R1-style reply into reasoning and answer as tokens arrive.
/// <list type="bullet">
/// <item>Text between <c>&lt;think&gt;</c> and <c>&lt;/think&gt;</c> is <see cref="ReasoningKind.Reasoning"/>, the rest
/// <see cref="ReasoningKind.Answer"/>; the tags themselves are never emitted.</item>
/// <item>A tag split across pieces (<c>"&lt;th"</c>, <c>"ink&gt;"</c>) is recognized: only a trailing possible tag prefix is held
/// back, and <see cref="Flush"/> releases it as text if the reply ends there.</item>
/// <item>When the prompt already opened the tag (the R1 distills' generation prompt ends with <c>&lt;think&gt;\n</c>), start
/// in reasoning: <see cref="ForPrompt"/> does this. A model that never closes the tag produces only reasoning.</item>
/// <item>Whitespace, as chat UIs show it: one <c>"\n"</c> right after <c>&lt;think&gt;</c> is dropped, and the whitespace the
/// model puts between <c>&lt;/think&gt;</c> and the answer (R1 writes <c>"\n\n"</c>) is dropped. Nothing else is trimmed, so
/// the reasoning may end with the newline before <c>&lt;/think&gt;</c>.</item>
/// <item>A repeated <c>&lt;think&gt;</c> while reasoning, or a <c>&lt;/think&gt;</c> while answering, is dropped; a
/// <c>&lt;think&gt;</c> after the answer began starts reasoning again.</item>
/// <item><see cref="RawText"/> keeps every piece exactly as fed, tags and whitespace included.</item>
/// </list>
/// </summary>
public sealed class ReasoningSplitter
{
    public const string OpenTag = "<think>";
    public const string CloseTag = "</think>";

    private readonly StringBuilder _raw = new();
    private readonly StringBuilder _reasoning = new();
    private readonly StringBuilder _answer = new();
    private string _pending = "";
    private bool _dropNewline;
    private bool _trimAnswerStart;

    /// <param name="startInReasoning">True when the prompt ended inside an open <c>&lt;think&gt;</c>.</param>
    public ReasoningSplitter(bool startInReasoning = false)
    {
        Mode = startInReasoning ? ReasoningKind.Reasoning : ReasoningKind.Answer;
    }

    /// <summary>
    /// A splitter for a reply to <paramref name="renderedPrompt"/>: in reasoning mode when the prompt ends with
    /// <c>&lt;think&gt;</c> (optionally followed by whitespace); if it ends right at the tag, the reply's first newline is dropped.
    /// </summary>
    public static ReasoningSplitter ForPrompt(string renderedPrompt)
    {
        ArgumentNullException.ThrowIfNull(renderedPrompt);
        var trimmed = renderedPrompt.TrimEnd();
        var opened = trimmed.EndsWith(OpenTag, StringComparison.Ordinal);
        return new ReasoningSplitter(opened) { _dropNewline = opened && trimmed.Length == renderedPrompt.Length };
    }

    /// <summary>Where the next text goes.</summary>
    public ReasoningKind Mode { get; private set; }

    /// <summary>Everything fed so far, unchanged.</summary>
    public string RawText => _raw.ToString();

    /// <summary>All reasoning emitted so far.</summary>
    public string ReasoningText => _reasoning.ToString();

    /// <summary>All answer text emitted so far.</summary>
    public string AnswerText => _answer.ToString();

    /// <summary>Feeds the next piece of decoded text; returns the segments it completes (often one, sometimes none).</summary>
    public IReadOnlyList<ReasoningSegment> Push(string piece)
    {
        ArgumentNullException.ThrowIfNull(piece);
        _raw.Append(piece);
        var text = _pending + piece;
        _pending = "";
        var segments = new List<ReasoningSegment>();
        var index = 0;
        while (index < text.Length)
        {
            var tagAt = text.IndexOf('<', index);
            if (tagAt < 0)
            {
                Emit(segments, text[index..]);
                break;
            }

            Emit(segments, text[index..tagAt]);
            var rest = text.AsSpan(tagAt);
            if (rest.StartsWith(OpenTag, StringComparison.Ordinal))
            {
                Mode = ReasoningKind.Reasoning;
                _dropNewline = true;
                _trimAnswerStart = false;
                index = tagAt + OpenTag.Length;
            }
            else if (rest.StartsWith(CloseTag, StringComparison.Ordinal))
            {
                Mode = ReasoningKind.Answer;
                _dropNewline = false;
                _trimAnswerStart = true;
                index = tagAt + CloseTag.Length;
            }
            else if (OpenTag.AsSpan().StartsWith(rest, StringComparison.Ordinal) || CloseTag.AsSpan().StartsWith(rest, StringComparison.Ordinal))
            {
                _pending = rest.ToString();
                break;
            }
            else
            {
                Emit(segments, "<");
                index = tagAt + 1;
            }
        }

        return segments;
    }

    /// <summary>Ends the reply: a held-back partial tag is released as ordinary text.</summary>
    public IReadOnlyList<ReasoningSegment> Flush()
    {
        var segments = new List<ReasoningSegment>();
        Emit(segments, _pending);
        _pending = "";
        return segments;
    }

    private void Emit(List<ReasoningSegment> segments, string text)
    {
        if (text.Length > 0 && _dropNewline)
        {
            _dropNewline = false;
            if (text[0] == '\n')
            {
                text = text[1..];
            }
        }

        if (text.Length > 0 && _trimAnswerStart)
        {
            text = text.TrimStart();
            _trimAnswerStart = text.Length == 0;
        }

        if (text.Length == 0)
        {
            return;
        }

        (Mode == ReasoningKind.Reasoning ? _reasoning : _answer).Append(text);
        if (segments.Count > 0 && segments[^1].Kind == Mode)
        {
            segments[^1] = segments[^1] with { Text = segments[^1].Text + text };
        }
        else
        {
            segments.Add(new ReasoningSegment(Mode, text));
        }
    }

    /// <summary>
    /// The reply as chat history should keep it: the text after the last <c>&lt;/think&gt;</c>, exactly what the R1
    /// template's <c>content.split('&lt;/think&gt;')[-1]</c> keeps (so storing either form renders the same prompt);
    /// text without a closing tag is returned unchanged.
    /// </summary>
    public static string StripReasoning(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var closeAt = text.LastIndexOf(CloseTag, StringComparison.Ordinal);
        return closeAt < 0 ? text : text[(closeAt + CloseTag.Length)..];
    }
}
