using EdgeLLM.Format.Providers;
using EdgeLLM.Runtime.Engines.Onnx;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Model;
using EdgeLLM.Runtime.Sampling;

namespace EdgeLLM.Runtime.Tests.Generation;

/// <summary>The prefill/decode loop: every way a generation ends, and what one decode step allocates.</summary>
[Collection(ModelFoldersCollection.Name)]
public sealed class GeneratorTests(ModelFolders models)
{
    private static readonly ReferenceCase Chat = ReferenceCase.Load(ModelFolders.Qwen2, 0);

    [Fact]
    public void GreedyGenerationReproducesTheReference()
    {
        GenerationResult result = Generate(contextLength: 256, Chat.GreedyIds.Length, endOfSequence: []);

        Assert.Equal(Chat.GreedyIds, result.Tokens);
        Assert.Equal(StopReason.MaxTokens, result.StopReason);
        Assert.Equal(Chat.PromptIds.Length, result.PromptTokenCount);
    }

    [Fact]
    public void FullContextStopsCleanlyAfterTheLastTokenThatFits()
    {
        // 15 prompt tokens in a 20-token cache: 5 tokens are fed back, the 6th is sampled from the last logits.
        GenerationResult result = Generate(contextLength: 20, maxTokens: 24, endOfSequence: []);

        Assert.Equal(StopReason.ContextFull, result.StopReason);
        Assert.Equal(Chat.GreedyIds[..6], result.Tokens);
    }

    [Fact]
    public void PromptThatFillsTheContextStopsBeforeRunning()
    {
        GenerationResult result = Generate(contextLength: Chat.PromptIds.Length, maxTokens: 24, endOfSequence: []);

        Assert.Equal(StopReason.ContextFull, result.StopReason);
        Assert.Empty(result.Tokens);
    }

    [Fact]
    public void PromptLongerThanTheContextStopsBeforeRunning()
    {
        GenerationResult result = Generate(contextLength: Chat.PromptIds.Length - 5, maxTokens: 24, endOfSequence: []);

        Assert.Equal(StopReason.ContextFull, result.StopReason);
        Assert.Empty(result.Tokens);
    }

    [Fact]
    public void EndOfSequenceInTheMiddleOfReasoningStops()
    {
        // The R1 prompt leaves the model inside <think>: make its 4th greedy token the end of sequence.
        GenerationResult result = Generate(contextLength: 256, maxTokens: 24, endOfSequence: [Chat.GreedyIds[3]], startsInReasoning: true);

        Assert.Equal(StopReason.EndOfSequence, result.StopReason);
        Assert.Equal(Chat.GreedyIds[..4], result.Tokens);
    }

    [Fact]
    public void CancellationDuringDecodeKeepsWhatWasGenerated()
    {
        using ModelSession session = Open(256);
        using var cancellation = new CancellationTokenSource();
        int seen = 0;
        GenerationResult result = new Generator(session, []).Generate(
            Chat.PromptIds,
            new GenerationRequest { MaxTokens = 24 },
            new Sampler(SamplingSettings.Greedy, session.VocabSize),
            _ =>
            {
                if (++seen == 5)
                {
                    cancellation.Cancel();
                }
            },
            cancellation.Token);

        Assert.Equal(StopReason.Cancelled, result.StopReason);
        Assert.Equal(Chat.GreedyIds[..5], result.Tokens);
    }

    [Fact]
    public void CancellationDuringPrefillStopsTheRunAndTheSessionStaysUsable()
    {
        using ModelSession session = Open(256);
        var generator = new Generator(session, []);
        var sampler = new Sampler(SamplingSettings.Greedy, session.VocabSize);

        // Cancelled before prefill starts: ONNX Runtime's terminate flag is set, the prompt run is abandoned.
        GenerationResult stopped = generator.Generate(Chat.PromptIds, new GenerationRequest { MaxTokens = 24 }, sampler, null, new CancellationToken(canceled: true));
        session.Reset();
        GenerationResult again = generator.Generate(Chat.PromptIds, new GenerationRequest { MaxTokens = 24 }, sampler, null, CancellationToken.None);

        Assert.Equal(StopReason.Cancelled, stopped.StopReason);
        Assert.Empty(stopped.Tokens);
        Assert.Equal(Chat.GreedyIds, again.Tokens);
    }

    [Fact]
    public void ReasoningBudgetInsertsTheEndTagThenContinues()
    {
        using ModelSession session = Open(256);
        int[] endIds = [151649, 271];
        GenerationResult result = new Generator(session, []).Generate(
            Chat.PromptIds,
            new GenerationRequest { MaxTokens = 10, ReasoningBudget = 3, StartsInReasoning = true, ReasoningEndTokenId = 151649, ReasoningEndIds = endIds },
            new Sampler(SamplingSettings.Greedy, session.VocabSize),
            null,
            CancellationToken.None);

        Assert.Equal(Chat.GreedyIds[..3], result.Tokens.Take(3));
        Assert.Equal(endIds, result.Tokens.Skip(3).Take(2));
        Assert.Equal(10, result.Tokens.Count);
    }

    [Fact]
    public void SeededSamplingIsReproducible()
    {
        SamplingSettings settings = new() { Temperature = 1.5, TopP = 0.9, Seed = 42 };
        int[] first = [.. Generate(256, 16, [], sampling: settings).Tokens];
        int[] second = [.. Generate(256, 16, [], sampling: settings).Tokens];
        int[] other = [.. Generate(256, 16, [], sampling: settings with { Seed = 43 }).Tokens];

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void DecodeStepsAllocateNoTensorsAndTriggerNoCollection()
    {
        using ModelSession session = Open(256);
        session.Prefill(Chat.PromptIds);
        session.Decode(Chat.GreedyIds[0]);
        int collections = GC.CollectionCount(0);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int step = 1; step <= 100; step++)
        {
            session.Decode(Chat.GreedyIds[step % Chat.GreedyIds.Length]);
        }

        long perStep = (GC.GetAllocatedBytesForCurrentThread() - before) / 100;

        // Logits and KV buffers are bound once; a step rebinds only the mask view (its name is marshalled: a few dozen bytes).
        Assert.True(perStep < 256, $"a decode step allocated {perStep} managed bytes");
        Assert.Equal(collections, GC.CollectionCount(0));
    }

    [Fact]
    public void RewindReusesTheCachedPrefix()
    {
        using ModelSession session = Open(256);
        var generator = new Generator(session, []);
        var sampler = new Sampler(SamplingSettings.Greedy, session.VocabSize);
        generator.Generate(Chat.PromptIds, new GenerationRequest { MaxTokens = 24 }, sampler, null, CancellationToken.None);

        session.Rewind(Chat.PromptIds.Length - 3);
        GenerationResult resumed = generator.Generate(Chat.PromptIds[^3..], new GenerationRequest { MaxTokens = 24 }, sampler, null, CancellationToken.None);

        Assert.Equal(Chat.GreedyIds, resumed.Tokens);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(7)]
    public void PromptFedInChunksGivesTheReferenceTokens(int prefillChunk)
    {
        // 15 prompt tokens in runs of 1, 4 or 7: the later runs attend to the cached rows of the earlier ones.
        using ModelSession session = ModelSession.Open(models.Tiny(ModelFolders.Qwen2), 256, threads: 1, ExecutionProvider.Cpu, prefillChunk: prefillChunk);
        GenerationResult result = new Generator(session, []).Generate(
            Chat.PromptIds, new GenerationRequest { MaxTokens = Chat.GreedyIds.Length }, new Sampler(SamplingSettings.Greedy, session.VocabSize), null, CancellationToken.None);

        Assert.Equal(prefillChunk, session.PrefillChunk);
        Assert.Equal(Chat.GreedyIds, result.Tokens);
    }

    private ModelSession Open(int contextLength) => ModelSession.Open(models.Tiny(ModelFolders.Qwen2), contextLength, threads: 1, ExecutionProvider.Cpu);

    private GenerationResult Generate(int contextLength, int maxTokens, int[] endOfSequence, bool startsInReasoning = false, SamplingSettings? sampling = null)
    {
        using ModelSession session = Open(contextLength);
        return new Generator(session, endOfSequence).Generate(
            Chat.PromptIds,
            new GenerationRequest { MaxTokens = maxTokens, StartsInReasoning = startsInReasoning },
            new Sampler(sampling ?? SamplingSettings.Greedy, session.VocabSize),
            null,
            CancellationToken.None);
    }
}
