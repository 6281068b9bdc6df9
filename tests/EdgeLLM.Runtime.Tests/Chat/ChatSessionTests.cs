using EdgeLLM.Format;
using EdgeLLM.Runtime.Chat;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Model;
using EdgeLLM.Runtime.Tests.Generation;

namespace EdgeLLM.Runtime.Tests.Chat;

/// <summary>Conversations through the model's own template: reasoning split, think modes, multi-turn reuse.</summary>
[Collection(ModelFoldersCollection.Name)]
public sealed class ChatSessionTests(ModelFolders models)
{
    private static readonly ChatSettings Greedy = new() { Temperature = 0, MaxTokens = 24 };

    [Fact]
    public void R1ReplyStreamsReasoningBecauseThePromptOpenedThink()
    {
        using ChatSession chat = ChatSession.Open(models.Tiny(ModelFolders.Qwen2), new SessionSettings());
        var streamed = new List<ChatStreamEvent>();

        ChatReply reply = chat.Complete([ChatMessage.User(ReferenceCase.ChatQuestion)], Greedy, streamed.Add, CancellationToken.None);

        Assert.Equal(ReferenceCase.Load(ModelFolders.Qwen2, 0).GreedyIds, reply.Generation.Tokens);
        Assert.All(streamed, piece => Assert.Equal(ReplyPart.Reasoning, piece.Part));
        Assert.Equal(reply.Reasoning, string.Concat(streamed.Select(piece => piece.Text)));
        Assert.Equal("", reply.Answer);
    }

    [Fact]
    public void ThinkOffClosesTheReasoningBlockInThePrompt()
    {
        using ChatSession chat = ChatSession.Open(models.Tiny(ModelFolders.Qwen2), new SessionSettings());

        ChatReply reply = chat.Complete([ChatMessage.User(ReferenceCase.ChatQuestion)], Greedy with { Think = ThinkMode.Off }, null, CancellationToken.None);

        string prompt = chat.Model.Prompts.Tokenizer.Decode(reply.PromptIds);
        Assert.EndsWith("<｜Assistant｜><think>\n\n</think>\n\n", prompt, StringComparison.Ordinal);
        Assert.Equal("", reply.Reasoning);
        Assert.Equal(reply.Text, reply.Answer);
    }

    [Fact]
    public void ThinkOffUsesTheTemplateSwitchWhereItHasOne()
    {
        using ChatSession chat = ChatSession.Open(models.Tiny(ModelFolders.Qwen3), new SessionSettings());

        ChatReply reply = chat.Complete([ChatMessage.User(ReferenceCase.ChatQuestion)], Greedy with { Think = ThinkMode.Off, MaxTokens = 1 }, null, CancellationToken.None);

        // Qwen3's template writes an empty think block itself when enable_thinking is false.
        Assert.EndsWith("<|im_start|>assistant\n<think>\n\n</think>\n\n", chat.Model.Prompts.Tokenizer.Decode(reply.PromptIds), StringComparison.Ordinal);
    }

    [Fact]
    public void ThinkHideGeneratesReasoningButStreamsOnlyTheAnswer()
    {
        using ChatSession chat = ChatSession.Open(models.Tiny(ModelFolders.Qwen2), new SessionSettings());
        var streamed = new List<ChatStreamEvent>();

        ChatReply reply = chat.Complete([ChatMessage.User(ReferenceCase.ChatQuestion)], Greedy with { Think = ThinkMode.Hide }, streamed.Add, CancellationToken.None);

        Assert.NotEqual("", reply.Reasoning);
        Assert.Empty(streamed);
    }

    [Fact]
    public void ThinkBudgetEndsReasoningAndTheAnswerFollows()
    {
        using ChatSession chat = ChatSession.Open(models.Tiny(ModelFolders.Qwen2), new SessionSettings());

        ChatReply reply = chat.Complete([ChatMessage.User(ReferenceCase.ChatQuestion)], Greedy with { ThinkBudget = 4, MaxTokens = 12 }, null, CancellationToken.None);

        IReadOnlyList<int> endIds = chat.Model.Prompts.ReasoningEndIds;
        Assert.Equal(endIds, reply.Generation.Tokens.Skip(4).Take(endIds.Count));
        Assert.Equal(chat.Model.Prompts.Tokenizer.Decode(reply.Generation.Tokens.Take(4)), reply.Reasoning.TrimEnd('\n'));
        Assert.NotEqual("", reply.Answer);
    }

    [Fact]
    public async Task SecondTurnReusesTheCacheAndMatchesAFreshSession()
    {
        using ChatSession chat = ChatSession.Open(models.Tiny(ModelFolders.Llama31), new SessionSettings());
        ChatReply first = await chat.SendAsync(ReferenceCase.ChatQuestion, Greedy with { MaxTokens = 6 }, _ => { }, CancellationToken.None);
        ChatReply second = await chat.SendAsync("And 3+3?", Greedy with { MaxTokens = 6 }, _ => { }, CancellationToken.None);

        using ChatSession fresh = ChatSession.Open(models.Tiny(ModelFolders.Llama31), new SessionSettings());
        ChatReply expected = fresh.Complete([.. chat.History.Take(3)], Greedy with { MaxTokens = 6 }, null, CancellationToken.None);

        Assert.Equal(4, chat.History.Count);
        Assert.Equal(expected.PromptIds, second.PromptIds);
        Assert.Equal(expected.Generation.Tokens, second.Generation.Tokens);
        Assert.True(second.Generation.PromptTokenCount < second.PromptIds.Count, "the second turn re-ran the whole conversation instead of reusing the cache");
        Assert.True(first.ContextUsed > 0);

        // The cache holds the whole conversation but the last sampled token (it was never fed back).
        Assert.Equal(second.PromptIds.Count + second.Generation.Tokens.Count - 1, second.ContextUsed);
    }

    [Fact]
    public async Task CancelledReplyKeepsWhatWasProducedInHistory()
    {
        using ChatSession chat = ChatSession.Open(models.Tiny(ModelFolders.Llama31), new SessionSettings());
        using var cancellation = new CancellationTokenSource();
        int pieces = 0;

        ChatReply reply = await chat.SendAsync(ReferenceCase.ChatQuestion, Greedy, _ =>
        {
            if (++pieces == 3)
            {
                cancellation.Cancel();
            }
        }, cancellation.Token);

        Assert.Equal(StopReason.Cancelled, reply.Generation.StopReason);
        Assert.Equal(reply.Answer, chat.History[^1].Content);
        Assert.InRange(reply.Generation.Tokens.Count, 3, 4);
    }

    [Fact]
    public void ModelWithoutChatTemplateRefusesChatInOneLine()
    {
        string? stories = models.Stories260k();
        if (stories is null)
        {
            Console.WriteLine(EdgeLLM.Tests.Shared.TestPaths.Stories260kSkipped);
            return;
        }

        using ChatSession chat = ChatSession.Open(stories, new SessionSettings());
        var error = Assert.Throws<EdgeLlmException>(() => chat.Complete([ChatMessage.User("hi")], Greedy, null, CancellationToken.None));
        Assert.Contains("no chat_template", error.Message, StringComparison.Ordinal);
    }
}
