using System.Diagnostics;
using EdgeLLM.Runtime.Engines;
using EdgeLLM.Runtime.Sampling;

namespace EdgeLLM.Runtime.Generation;

/// <summary>
/// The prefill/decode loop: the prompt in one run, then one token per run through the shared KV
/// cache; samples each token, stops on any end-of-sequence id, the token limit, a full context or
/// cancellation, and enforces a reasoning budget by inserting the reasoning-end tokens.
/// Per decode step it allocates nothing: tokens go into a buffer sized for the context.
/// </summary>
public sealed class Generator
{
    private readonly IDecoderEngine session;
    private readonly HashSet<int> endOfSequenceIds;
    private readonly int[] history;

    public Generator(IDecoderEngine session, IEnumerable<int> endOfSequenceIds)
    {
        this.session = session;
        this.endOfSequenceIds = [.. endOfSequenceIds];
        // One more than the cache holds: the last sampled token is kept though it is never fed back.
        history = new int[session.ContextLength + 1];
    }

    /// <summary>The tokens the session's KV cache holds, in order (what a new prompt can reuse a prefix of).</summary>
    public ReadOnlySpan<int> CachedTokens => history.AsSpan(0, session.Position);

    /// <summary>
    /// How many leading tokens of <paramref name="promptIds"/> the KV cache already holds, so a follow-up prompt computes
    /// only what is new (at least its last token is always computed, for its logits).
    /// </summary>
    public int ReusablePrefix(IReadOnlyList<int> promptIds)
    {
        ArgumentNullException.ThrowIfNull(promptIds);
        int common = 0;
        ReadOnlySpan<int> cached = CachedTokens;
        int limit = Math.Min(cached.Length, promptIds.Count - 1);
        while (common < limit && cached[common] == promptIds[common])
        {
            common++;
        }

        return common;
    }

    /// <summary>
    /// Generates after <paramref name="promptIds"/> (appended to what the session already holds).
    /// <paramref name="onToken"/> sees every new token as soon as it exists (forced ones included).
    /// The sampler sees every token the session holds (earlier turns included) for its repetition penalty.
    /// </summary>
    public GenerationResult Generate(ReadOnlySpan<int> promptIds, GenerationRequest request, Sampler sampler, Action<int>? onToken, CancellationToken cancellation)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(request.MaxTokens);
        long start = Stopwatch.GetTimestamp();
        int historyStart = session.Position;
        int promptLength = promptIds.Length;
        int historyLength = historyStart + promptIds.Length;
        int generated = 0;
        double prefillSeconds = 0;
        double firstTokenMs = 0;
        long decodeStart = 0;
        long runTicks = 0;
        bool inReasoning = request.StartsInReasoning;
        int reasoningTokens = 0;
        StopReason reason;

        if (request.MaxTokens == 0)
        {
            return Result(StopReason.MaxTokens);
        }

        if (promptIds.Length == 0)
        {
            throw new ArgumentException("the prompt has no tokens", nameof(promptIds));
        }

        if (session.Position + promptIds.Length >= session.ContextLength)
        {
            return Result(StopReason.ContextFull);
        }

        promptIds.CopyTo(history.AsSpan(historyStart));

        session.ClearStopRequest();
        using CancellationTokenRegistration registration = cancellation.Register(session.RequestStop);
        try
        {
            ReadOnlySpan<float> logits = session.Prefill(promptIds);
            prefillSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            while (true)
            {
                cancellation.ThrowIfCancellationRequested();
                int token = sampler.Sample(logits, history.AsSpan(0, historyLength));
                if (!Accept(token, ref logits, out reason))
                {
                    break;
                }

                if (inReasoning && request.ReasoningBudget is int budget && reasoningTokens >= budget)
                {
                    // The budget is spent: close the reasoning block ourselves and let the answer follow.
                    inReasoning = false;
                    bool room = true;
                    foreach (int forced in request.ReasoningEndIds)
                    {
                        if (!Accept(forced, ref logits, out reason))
                        {
                            room = false;
                            break;
                        }
                    }

                    if (!room)
                    {
                        break;
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            reason = StopReason.Cancelled;
        }

        return Result(reason);

        bool Accept(int token, ref ReadOnlySpan<float> logits, out StopReason stop)
        {
            if (generated == 0)
            {
                firstTokenMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                decodeStart = Stopwatch.GetTimestamp();
            }

            history[historyLength++] = token;
            generated++;
            onToken?.Invoke(token);
            if (request.ReasoningEndTokenId == token)
            {
                inReasoning = false;
            }
            else if (inReasoning)
            {
                reasoningTokens++;
            }

            if (endOfSequenceIds.Contains(token))
            {
                stop = StopReason.EndOfSequence;
                return false;
            }

            if (generated >= request.MaxTokens)
            {
                stop = StopReason.MaxTokens;
                return false;
            }

            if (session.Position + 1 > session.ContextLength)
            {
                stop = StopReason.ContextFull;
                return false;
            }

            cancellation.ThrowIfCancellationRequested();
            long runStart = Stopwatch.GetTimestamp();
            logits = session.Decode(token);
            runTicks += Stopwatch.GetTimestamp() - runStart;
            stop = default;
            return true;
        }

        GenerationResult Result(StopReason stop) => new()
        {
            Tokens = generated == 0 ? [] : history.AsSpan(historyStart + promptLength, generated).ToArray(),
            StopReason = stop,
            PromptTokenCount = promptLength,
            PrefillSeconds = prefillSeconds,
            TimeToFirstTokenMs = firstTokenMs,
            DecodeSeconds = generated > 1 ? Stopwatch.GetElapsedTime(decodeStart).TotalSeconds : 0,
            DecodeRunSeconds = runTicks / (double)Stopwatch.Frequency,
        };
    }
}
