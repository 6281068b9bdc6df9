using System.Text.Json;
using EdgeLLM.Runtime.Chat;
using EdgeLLM.Tests.Shared;
using EdgeLLM.Text.Templates;
using EdgeLLM.Text.Tokenization;
using ChatMessage = EdgeLLM.Text.Templates.ChatMessage;

namespace EdgeLLM.Runtime.Tests.Chat;

public sealed class ReasoningSplitterTests
{
    private static string ReferencePrompt(string tokenizer, int chat)
    {
        using var reference = JsonDocument.Parse(File.ReadAllBytes(TestPaths.Fixture("tokenizer-reference.json")));
        return reference.RootElement.GetProperty(tokenizer).GetProperty("chats")[chat].GetProperty("rendered").GetString()!;
    }

    /// <summary>Feeds all pieces and flushes; returns every segment in order, merged where the kind repeats.</summary>
    private static List<ReasoningSegment> Split(ReasoningSplitter splitter, params string[] pieces)
    {
        var segments = new List<ReasoningSegment>();
        var emitted = pieces.SelectMany(splitter.Push).ToList();
        emitted.AddRange(splitter.Flush());
        foreach (var segment in emitted)
        {
            if (segments.Count > 0 && segments[^1].Kind == segment.Kind)
            {
                segments[^1] = segments[^1] with { Text = segments[^1].Text + segment.Text };
            }
            else
            {
                segments.Add(segment);
            }
        }

        return segments;
    }

    [Fact]
    public void RecognizesTagsSplitAcrossPieces()
    {
        var splitter = new ReasoningSplitter();

        Assert.Empty(splitter.Push("<th"));
        Assert.Empty(splitter.Push("ink>"));
        var segments = Split(splitter, "\nLet me", " think.\n", "</th", "ink>", "\n\nThe answer", " is 4.");

        Assert.Equal(
            [new(ReasoningKind.Reasoning, "Let me think.\n"), new(ReasoningKind.Answer, "The answer is 4.")],
            segments);
        Assert.Equal("<think>\nLet me think.\n</think>\n\nThe answer is 4.", splitter.RawText);
    }

    [Fact]
    public void HoldsBackOnlyAPossibleTagPrefix()
    {
        var splitter = new ReasoningSplitter(startInReasoning: true);

        Assert.Equal([new ReasoningSegment(ReasoningKind.Reasoning, "so x ")], splitter.Push("so x </"));
        Assert.Equal([new ReasoningSegment(ReasoningKind.Reasoning, "</b> y")], splitter.Push("b> y"));
        Assert.Equal([new ReasoningSegment(ReasoningKind.Reasoning, "a ")], splitter.Push("a <"));
        Assert.Equal([new ReasoningSegment(ReasoningKind.Reasoning, "<3")], splitter.Push("3"));
    }

    [Fact]
    public void EverySplitPointGivesTheSameSegments()
    {
        const string reply = "<think>\nStep 1: a < b.\n</think>\n\nAnswer <b>bold</b>.";
        var whole = Split(new ReasoningSplitter(), reply);

        Assert.Equal([new(ReasoningKind.Reasoning, "Step 1: a < b.\n"), new(ReasoningKind.Answer, "Answer <b>bold</b>.")], whole);
        for (var first = 0; first <= reply.Length; first++)
        {
            for (var second = first; second <= reply.Length; second++)
            {
                var pieces = new[] { reply[..first], reply[first..second], reply[second..] };
                Assert.Equal(whole, Split(new ReasoningSplitter(), pieces));
            }
        }
    }

    [Fact]
    public void StartsInReasoningWhenThePromptOpenedTheTag()
    {
        var prompt = ReferencePrompt("r1-distill-qwen", 0);
        Assert.EndsWith("<｜Assistant｜><think>\n", prompt, StringComparison.Ordinal);
        var splitter = ReasoningSplitter.ForPrompt(prompt);

        Assert.Equal(ReasoningKind.Reasoning, splitter.Mode);
        var segments = Split(splitter, "Okay", ", 2+2", " is 4.\n", "</think>", "\n\n", "**4**");

        Assert.Equal([new(ReasoningKind.Reasoning, "Okay, 2+2 is 4.\n"), new(ReasoningKind.Answer, "**4**")], segments);
        Assert.Equal(ReasoningKind.Answer, splitter.Mode);
    }

    [Fact]
    public void DropsTheFirstNewlineWhenThePromptEndsRightAtTheTag()
    {
        var splitter = ReasoningSplitter.ForPrompt("<|im_start|>assistant\n<think>");

        Assert.Equal([new(ReasoningKind.Reasoning, "Hmm.\n"), new(ReasoningKind.Answer, "Yes.")], Split(splitter, "\nHmm.\n", "</think>\n\nYes."));
    }

    [Fact]
    public void PromptsWithoutTheTagStartInTheAnswer()
    {
        var splitter = ReasoningSplitter.ForPrompt(ReferencePrompt("qwen3", 0));

        Assert.Equal(ReasoningKind.Answer, splitter.Mode);
        Assert.Equal([new(ReasoningKind.Reasoning, "r"), new(ReasoningKind.Answer, "4")], Split(splitter, "<think>\nr</think>\n\n4"));
    }

    [Fact]
    public void AReplyThatNeverClosesTheTagIsAllReasoning()
    {
        var splitter = new ReasoningSplitter(startInReasoning: true);

        var segments = Split(splitter, "still thinking", " when the budget ran out </thi");

        Assert.Equal([new ReasoningSegment(ReasoningKind.Reasoning, "still thinking when the budget ran out </thi")], segments);
        Assert.Equal("", splitter.AnswerText);
        Assert.Equal("still thinking when the budget ran out </thi", splitter.ReasoningText);
    }

    [Fact]
    public void ARepeatedOpeningTagIsDropped()
    {
        var splitter = ReasoningSplitter.ForPrompt("<｜Assistant｜><think>\n");

        Assert.Equal([new(ReasoningKind.Reasoning, "A"), new(ReasoningKind.Answer, "B")], Split(splitter, "<think>\nA", "</think>B"));
    }

    [Fact]
    public void ASecondThinkBlockReturnsToReasoning()
    {
        var segments = Split(new ReasoningSplitter(), "<think>a</think>b<think>c</think>d</think>e");

        Assert.Equal(
            [new(ReasoningKind.Reasoning, "a"), new(ReasoningKind.Answer, "b"), new(ReasoningKind.Reasoning, "c"), new(ReasoningKind.Answer, "de")],
            segments);
    }

    [Fact]
    public void EmptyReasoningEmitsOnlyTheAnswer()
    {
        Assert.Equal([new ReasoningSegment(ReasoningKind.Answer, "answer")], Split(new ReasoningSplitter(), "<think>", "</think>", "answer"));
        Assert.Equal(
            [new(ReasoningKind.Reasoning, "\n"), new(ReasoningKind.Answer, "Hi")],
            Split(new ReasoningSplitter(), "<think>\n\n</think>\n\nHi"));
    }

    [Fact]
    public void StripReasoningKeepsWhatTheTemplateKeeps()
    {
        const string reply = "<think>\nThe user asks in Arabic.\n</think>\n\nالقاهرة.";

        Assert.Equal("\n\nالقاهرة.", ReasoningSplitter.StripReasoning(reply));
        Assert.Equal("no tags", ReasoningSplitter.StripReasoning("no tags"));
        Assert.Equal("c", ReasoningSplitter.StripReasoning("a</think>b</think>c"));
    }

    [Fact]
    public void HistoryStoredWithoutReasoningRendersTheSamePrompt()
    {
        var template = ChatTemplate.FromTokenizerConfig(TestPaths.Fixture("tokenizers", "r1-distill-qwen", "tokenizer_config.json"));
        const string reply = "<think>\nThe user asks in Arabic.\n</think>\n\nالقاهرة.";
        List<ChatMessage> History(string assistant) =>
            [new("user", "ما هي عاصمة مصر؟"), new("assistant", assistant), new("user", "Explain int4 quantization in one sentence.")];

        var withReasoning = template.Render(History(reply), addGenerationPrompt: true);
        var stripped = template.Render(History(ReasoningSplitter.StripReasoning(reply)), addGenerationPrompt: true);

        Assert.Equal(withReasoning, stripped);
        Assert.DoesNotContain("Arabic", stripped, StringComparison.Ordinal);
    }
}
