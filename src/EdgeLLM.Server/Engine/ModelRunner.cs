using System.Text;
using EdgeLLM.Format;
using EdgeLLM.Runtime.Chat;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Model;
using EdgeLLM.Runtime.Sampling;
using EdgeLLM.Text.Tokenization;

namespace EdgeLLM.Server.Engine;

/// <summary>
/// The one loaded model and its KV cache, run for one request at a time: renders and encodes the prompt, keeps the
/// KV entries of the longest prefix it shares with the previous request, generates, cuts the reply at a stop string
/// and splits it into reasoning and answer. The only place the server touches the runtime's session and generator.
/// Not thread-safe: <see cref="RequestQueue"/> lets one request in at a time.
/// </summary>
public sealed class ModelRunner : IDisposable
{
    private readonly LoadedModel model;
    private readonly Generator generator;

    private ModelRunner(LoadedModel model)
    {
        this.model = model;
        generator = new Generator(model.Engine, model.EndOfSequenceIds);
    }

    /// <summary>The model folder's name.</summary>
    public string Name => model.Name;

    public int ContextLength => model.Engine.ContextLength;

    public static ModelRunner Open(string modelFolder, SessionSettings settings, Action<string>? notice)
        => new(LoadedModel.Open(modelFolder, settings, notice));

    /// <summary>Renders (conversation) or takes (raw prompt) the text, encodes it and checks that a reply fits.</summary>
    public PreparedPrompt Prepare(CompletionJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        string? rendered = null;
        IReadOnlyList<int> ids;
        if (job.Messages is { } messages)
        {
            rendered = model.Prompts.Render(messages, job.Settings);
            ids = model.Prompts.EncodeRendered(rendered);
        }
        else
        {
            ids = model.Prompts.EncodePlain(job.Prompt ?? string.Empty);
        }

        if (ids.Count == 0)
        {
            throw new EdgeLlmException("the prompt encodes to no tokens");
        }

        if (ids.Count >= ContextLength)
        {
            throw new PromptTooLongException(ids.Count, ContextLength);
        }

        return new PreparedPrompt(job, ids, rendered);
    }

    /// <summary>
    /// Generates the reply to <paramref name="prompt"/>; <paramref name="onPiece"/> sees each piece of text as soon as it is
    /// certain (not part of a stop string). Cancelling stops at once and returns what was made (finish Cancelled).
    /// </summary>
    public CompletionOutcome Run(PreparedPrompt prompt, Action<CompletionPiece>? onPiece, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        CompletionJob job = prompt.Job;
        IReadOnlyList<int> ids = prompt.Ids;
        int reused = generator.ReusablePrefix(ids);
        model.Engine.Rewind(reused);

        SamplingSettings sampling = model.SamplingFor(job.Settings) with { PresencePenalty = job.PresencePenalty, FrequencyPenalty = job.FrequencyPenalty };
        var sampler = new Sampler(sampling, model.Engine.VocabSize);
        ReasoningSplitter? splitter = job.SplitReasoning && prompt.Rendered is { } rendered ? ReasoningSplitter.ForPrompt(rendered) : null;
        var request = new GenerationRequest
        {
            MaxTokens = job.MaxTokens ?? ContextLength,
            ReasoningBudget = job.Settings.ThinkBudget,
            StartsInReasoning = prompt.Rendered is { } text && PromptBuilder.StartsInReasoning(text),
            ReasoningEndTokenId = model.Prompts.ReasoningEndTokenId,
            ReasoningEndIds = model.Prompts.ReasoningEndIds,
        };

        using var stopped = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        StreamingDetokenizer detokenizer = model.Prompts.Tokenizer.CreateStreamingDetokenizer(skipSpecialTokens: true);
        var matcher = new StopStringMatcher(job.Stop);
        var content = new StringBuilder();
        var reasoning = new StringBuilder();

        void Emit(bool isReasoning, string piece)
        {
            if (piece.Length == 0)
            {
                return;
            }

            (isReasoning ? reasoning : content).Append(piece);
            onPiece?.Invoke(new CompletionPiece(isReasoning, piece));
        }

        void Split(string piece, bool flush)
        {
            if (splitter is null)
            {
                Emit(false, piece);
                return;
            }

            foreach (ReasoningSegment segment in splitter.Push(piece))
            {
                Emit(segment.Kind == ReasoningKind.Reasoning, segment.Text);
            }

            if (flush)
            {
                foreach (ReasoningSegment segment in splitter.Flush())
                {
                    Emit(segment.Kind == ReasoningKind.Reasoning, segment.Text);
                }
            }
        }

        void Push(string raw)
        {
            if (matcher.Stopped)
            {
                return;
            }

            Split(matcher.Push(raw), flush: false);
            if (matcher.Stopped)
            {
                stopped.Cancel(); // The generator stops before its next decode step.
            }
        }

        int[] suffix = [.. ids.Skip(reused)];
        GenerationResult result = generator.Generate(suffix, request, sampler, token => Push(detokenizer.Append(token)), stopped.Token);
        if (!matcher.Stopped && !cancellation.IsCancellationRequested)
        {
            Push(detokenizer.Flush());
            Split(matcher.Flush(), flush: true);
        }

        FinishReason finish = matcher.Stopped ? FinishReason.Stop : result.StopReason switch
        {
            StopReason.EndOfSequence => FinishReason.Stop,
            StopReason.MaxTokens or StopReason.ContextFull => FinishReason.Length,
            _ => FinishReason.Cancelled,
        };
        return new CompletionOutcome
        {
            Content = content.ToString(),
            Reasoning = reasoning.ToString(),
            FinishReason = finish,
            PromptTokens = ids.Count,
            CachedTokens = reused,
            CompletionTokens = result.Tokens.Count,
        };
    }

    public void Dispose() => model.Dispose();
}
