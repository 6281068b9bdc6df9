using EdgeLLM.Format;

namespace EdgeLLM.Runtime.Evaluation;

/// <summary>
/// llama-perplexity's method: the text's tokens cut into non-overlapping chunks of <c>n</c> tokens, each run
/// from an empty cache (its first token replaced by BOS when the tokenizer adds one), the logits of
/// positions n/2 .. n−2 scoring the tokens n/2+1 .. n−1 (the first half is context only). With a reference
/// model the same chunks run through it first and its log-probabilities of the scored positions are kept
/// for the comparison (its logits rows, n/2 × vocabulary floats, and their logsumexp).
/// </summary>
public static class ModelEvaluator
{
    public static EvaluationResult Evaluate(
        ILogitSource model,
        ILogitSource? reference,
        IReadOnlyList<int> tokens,
        EvaluationOptions options,
        IProgress<EvaluationProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(options);
        int context = options.Context;
        if (context < EvaluationOptions.MinimumContext)
        {
            throw new EdgeLlmException($"context must be at least {EvaluationOptions.MinimumContext} tokens, not {context}");
        }

        if (context > model.ContextLength || (reference is not null && context > reference.ContextLength))
        {
            throw new EdgeLlmException($"context {context} is larger than the model's context ({Math.Min(model.ContextLength, reference?.ContextLength ?? int.MaxValue)})");
        }

        if (reference is not null && reference.VocabSize != model.VocabSize)
        {
            throw new EdgeLlmException($"the models' vocabularies differ ({model.VocabSize} and {reference.VocabSize} logits): KL divergence needs one tokenizer");
        }

        int chunkCount = tokens.Count / context;
        if (chunkCount == 0)
        {
            throw new EdgeLlmException($"the text has {tokens.Count} tokens, fewer than one chunk of the context {context}: give more text or a smaller context");
        }

        if (options.MaxChunks > 0)
        {
            chunkCount = Math.Min(chunkCount, options.MaxChunks);
        }

        int first = context / 2;
        int scoredPerChunk = context - 1 - first;
        int vocab = model.VocabSize;
        float[]? referenceRows = reference is null ? null : new float[(long)scoredPerChunk * vocab > Array.MaxLength ? throw new EdgeLlmException($"context {context} keeps too many reference rows of {vocab} logits in memory; use a smaller context") : scoredPerChunk * vocab];
        int[] referenceArgMax = new int[scoredPerChunk];
        double[] referenceLogSumExp = new double[scoredPerChunk];
        var statistics = new TokenStatistics();
        int[] chunk = new int[context];
        for (int index = 0; index < chunkCount; index++)
        {
            cancellation.ThrowIfCancellationRequested();
            for (int i = 0; i < context; i++)
            {
                chunk[i] = tokens[(index * context) + i];
            }

            if (options.BeginningOfSequenceId is int bos)
            {
                chunk[0] = bos;
            }

            if (reference is not null)
            {
                reference.Run(chunk, first, (position, logits) =>
                {
                    int row = position - first;
                    logits.CopyTo(referenceRows.AsSpan(row * vocab, vocab));
                    referenceLogSumExp[row] = LogProbabilities.LogSumExp(logits);
                    referenceArgMax[row] = LogProbabilities.ArgMax(logits);
                });
                model.Run(chunk, first, (position, logits) =>
                {
                    int row = position - first;
                    statistics.Add(logits, chunk[position + 1], referenceRows.AsSpan(row * vocab, vocab), referenceLogSumExp[row], referenceArgMax[row]);
                });
            }
            else
            {
                model.Run(chunk, first, (position, logits) => statistics.Add(logits, chunk[position + 1]));
            }

            progress?.Report(new EvaluationProgress(index + 1, chunkCount, statistics.Perplexity().Value));
        }

        return new EvaluationResult
        {
            TextTokens = tokens.Count,
            Context = context,
            Chunks = chunkCount,
            ScoredTokens = statistics.Count,
            Perplexity = statistics.Perplexity(),
            Reference = reference is null ? null : statistics.Comparison(),
        };
    }
}
