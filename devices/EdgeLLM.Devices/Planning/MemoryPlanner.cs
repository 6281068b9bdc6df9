using EdgeLLM.Devices.Profiles;
using EdgeLLM.Format.ModelFolder;
using EdgeLLM.Format;

namespace EdgeLLM.Devices.Planning;

/// <summary>
/// Plans memory before a model loads: mapped weights + prepacked weights + KV cache + activation
/// arena + runtime baseline, against the memory available minus headroom. Picks the largest context
/// that fits, validates a requested one, and refuses with one line that says what would fit.
/// The judgement calls live in <see cref="PlannerCalibration"/>.
/// </summary>
public static class MemoryPlanner
{
    private const int FloatBytes = 4;

    /// <summary>What running <paramref name="model"/> at <paramref name="context"/> costs.</summary>
    public static MemoryEstimate Estimate(ModelFootprint model, int context, int prefillChunk, KvPrecision kvPrecision, WeightPlacement placement)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(context);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(prefillChunk);

        if (placement == WeightPlacement.CpuMapped)
        {
            // The CPU engine: every weight is a mapped file page (read each token, so resident, but shared and
            // evictable, never copied); only the embedding rows a chunk gathers are touched of an untied table.
            // No prepacked copy and no load peak above the running cost; the cache is fp16 for quantized models.
            bool quantized = model.Precision is WeightPrecision.Int4 or WeightPrecision.Int8;
            long mappedKv = model.KvBytesPerToken(quantized || kvPrecision == KvPrecision.Fp16 ? 2 : 4) * context;
            long mappedActivations = ActivationBytes(model, context, Math.Min(prefillChunk, context));
            return new MemoryEstimate(context, EngineMappedWeightBytes(model, Math.Min(prefillChunk, context)), 0, mappedKv, mappedActivations, PlannerCalibration.RuntimeBaseBytes);
        }

        long kvCache = model.KvBytesPerToken(kvPrecision == KvPrecision.Fp16 ? 2 : 4) * context;
        long activations = ActivationBytes(model, context, Math.Min(prefillChunk, context));
        return placement == WeightPlacement.Gpu
            ? new MemoryEstimate(context, 0, model.WeightBytes, kvCache, activations, PlannerCalibration.GpuContextBytes)
            : new MemoryEstimate(context, MappedWeightBytes(model, Math.Min(prefillChunk, context)), PrepackedWeightBytes(model), kvCache, activations, PlannerCalibration.RuntimeBaseBytes)
            {
                LoadPeakBytes = LoadPeakBytes(model),
            };
    }

    /// <summary>
    /// The peak while ONNX Runtime creates the session: the runtime, every prepacked MatMul, the
    /// MatMulNBits scales (all read by then, dropped only after loading), the mapped weights that stay
    /// (norms, biases), and the last and largest matrix being packed, lm_head, whose mapped source is
    /// resident until ONNX Runtime releases it. No KV cache page is touched yet. Measured on the
    /// synthetic 1.5B int4 model (lm_head int8 in blocks of 256): 1,817 MB peak RSS of a 30-token run.
    /// </summary>
    private static long LoadPeakBytes(ModelFootprint model)
    {
        long scales = PlannerCalibration.ScalesLeaveMemoryAfterLoad
            ? ScaleBytes(model.Precision, model.QuantizationBlockSize, model.AttentionMatMulParameterCount)
                + ScaleBytes(model.Precision, MlpBlock(model), model.MlpMatMulParameterCount)
                + ScaleBytes(model.LmHeadWeights, LmHeadBlock(model), model.LmHeadParameterCount)
            : 0;
        long lmHeadSource = ValueBytes(model.LmHeadWeights, model.LmHeadParameterCount);
        return PlannerCalibration.RuntimeBaseBytes + PrepackedWeightBytes(model) + scales + lmHeadSource + MappedWeightBytes(model, 0);
    }

    /// <summary>
    /// The context to run at: <paramref name="requestedContext"/> when given and it fits, else the
    /// largest multiple of <see cref="PlannerCalibration.ContextStep"/> up to the model's and the
    /// profile's maximum that fits. A plan that does not fit carries a one-line refusal.
    /// </summary>
    public static MemoryPlan Plan(ModelFootprint model, DeviceProfile profile, MemoryBudget budget, WeightPlacement placement, int? requestedContext)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(budget);
        MemoryEstimate At(int context) => Estimate(model, context, profile.PrefillChunk, profile.KvPrecision, placement);

        if (requestedContext is { } requested)
        {
            if (requested < 1)
            {
                throw new EdgeLlmException($"context {requested} is not a positive number of tokens");
            }

            if (requested > model.MaxContext)
            {
                throw new EdgeLlmException($"context {requested} is larger than {model.Name}'s maximum context {model.MaxContext}");
            }

            MemoryEstimate estimate = At(requested);
            if (estimate.TotalBytes <= budget.UsableBytes)
            {
                return new MemoryPlan(model, requested, estimate, budget, null, null);
            }

            int stepBelow = (requested - 1) / PlannerCalibration.ContextStep * PlannerCalibration.ContextStep;
            int? smallerContext = LargestFitting(At, stepBelow, Math.Min(PlannerCalibration.MinimumContext, requested), budget.UsableBytes);
            string refusal = $"{model.Name} needs {ByteSize.Format(estimate.TotalBytes)} at context {requested}, {Available(budget)}: use {Alternatives(model, profile, budget, smallerContext)}";
            return new MemoryPlan(model, 0, estimate, budget, refusal, null);
        }

        int cap = Math.Min(model.MaxContext, profile.MaximumContext);
        int floor = Math.Min(PlannerCalibration.MinimumContext, cap);
        if (LargestFitting(At, cap, floor, budget.UsableBytes) is not { } context)
        {
            MemoryEstimate smallest = At(floor);
            string refusal = $"{model.Name} needs {ByteSize.Format(smallest.TotalBytes)} even at context {floor}, {Available(budget)}: use {Alternatives(model, profile, budget, null)}";
            return new MemoryPlan(model, 0, smallest, budget, refusal, null);
        }

        int comfortable = Math.Min(profile.DefaultContext, model.MaxContext);
        string? note = context < comfortable
            ? $"context {context} is below profile {profile.Name}'s default {comfortable}: memory is tight"
            : null;
        return new MemoryPlan(model, context, At(context), budget, null, note);
    }

    /// <summary>File-backed pages the run needs resident: everything mapped that prepacking does not release
    /// (norms, biases, rotary caches: read every token; MatMulNBits scales where they stay resident), plus
    /// the embedding rows of one prefill chunk (its working set). Rows gathered earlier are clean page
    /// cache the kernel takes back under memory pressure, so they are not required memory (see
    /// <see cref="PlannerCalibration.MappedBytesPerTouchedRow"/>).</summary>
    private static long MappedWeightBytes(ModelFootprint model, int chunk)
    {
        WeightPrecision embedding = model.TiedEmbeddings ? model.LmHeadWeights : model.EmbeddingWeights;
        int embeddingBlock = model.TiedEmbeddings ? LmHeadBlock(model) : model.QuantizationBlockSize;
        long embeddingRowBytes = StoredBytes(embedding, embeddingBlock, model.HiddenSize);
        long embeddingTableBytes = embeddingRowBytes * model.VocabSize;
        long otherMappedBytes = Math.Max(0, model.WeightBytes - ReleasedOnPrepackBytes(model) - (model.TiedEmbeddings ? 0 : embeddingTableBytes));

        long touchedRows = Math.Min(model.VocabSize, chunk);
        long touchedBytes = touchedRows * Math.Max(embeddingRowBytes, PlannerCalibration.MappedBytesPerTouchedRow);
        return otherMappedBytes + Math.Min(embeddingTableBytes, touchedBytes);
    }

    /// <summary>The CPU engine's resident file pages: every weight except the untouched rows of an untied embedding table.</summary>
    private static long EngineMappedWeightBytes(ModelFootprint model, int chunk)
    {
        if (model.TiedEmbeddings)
        {
            return model.WeightBytes;
        }

        long embeddingRowBytes = StoredBytes(model.EmbeddingWeights, model.QuantizationBlockSize, model.HiddenSize);
        long embeddingTableBytes = embeddingRowBytes * model.VocabSize;
        long touchedBytes = Math.Min(model.VocabSize, chunk) * Math.Max(embeddingRowBytes, PlannerCalibration.MappedBytesPerTouchedRow);
        return Math.Max(0, model.WeightBytes - embeddingTableBytes) + Math.Min(embeddingTableBytes, touchedBytes);
    }

    /// <summary>Mapped bytes that do not stay resident once ONNX Runtime has prepacked: MatMulNBits' B
    /// (unmapped), and its scales where the runtime drops their pages after loading
    /// (<see cref="PlannerCalibration.ScalesLeaveMemoryAfterLoad"/>), or the whole weight of a float
    /// MatMul; the attention, MLP and lm_head MatMuls each at their own block size.</summary>
    private static long ReleasedOnPrepackBytes(ModelFootprint model)
        => ReleasedOnPrepackBytes(model.Precision, model.QuantizationBlockSize, model.AttentionMatMulParameterCount)
            + ReleasedOnPrepackBytes(model.Precision, MlpBlock(model), model.MlpMatMulParameterCount)
            + ReleasedOnPrepackBytes(model.LmHeadWeights, LmHeadBlock(model), model.LmHeadParameterCount);

    private static long ReleasedOnPrepackBytes(WeightPrecision precision, int blockSize, long elementCount)
        => ValueBytes(precision, elementCount) + (PlannerCalibration.ScalesLeaveMemoryAfterLoad ? ScaleBytes(precision, blockSize, elementCount) : 0);

    /// <summary>MatMul weights after ONNX Runtime prepacks them (the mapped originals are released):
    /// for MatMulNBits the packed B, the fp32 scales and a block sum per block; fp16/fp32 MatMuls run
    /// as fp32 with a packed copy of B. The attention, MLP and lm_head MatMuls, each at its own
    /// precision and block size.</summary>
    private static long PrepackedWeightBytes(ModelFootprint model)
        => PrepackedWeightBytes(model.Precision, model.QuantizationBlockSize, model.AttentionMatMulParameterCount)
            + PrepackedWeightBytes(model.Precision, MlpBlock(model), model.MlpMatMulParameterCount)
            + PrepackedWeightBytes(model.LmHeadWeights, LmHeadBlock(model), model.LmHeadParameterCount);

    private static long PrepackedWeightBytes(WeightPrecision precision, int blockSize, long elementCount) => precision switch
    {
        WeightPrecision.Int4 or WeightPrecision.Int8 => StoredBytes(precision, blockSize, elementCount) + BlockCount(blockSize, elementCount) * PlannerCalibration.PrepackedExtraBytesPerBlock,
        _ => elementCount * FloatBytes,
    };

    /// <summary>Bytes of <paramref name="elementCount"/> weights in the model file: packed values plus one fp32 scale per block when quantized.</summary>
    private static long StoredBytes(WeightPrecision precision, int blockSize, long elementCount)
        => ValueBytes(precision, elementCount) + ScaleBytes(precision, blockSize, elementCount);

    /// <summary>The weights' values alone: nibbles, bytes, halves or floats.</summary>
    private static long ValueBytes(WeightPrecision precision, long elementCount) => precision switch
    {
        WeightPrecision.Int4 => elementCount / 2,
        WeightPrecision.Int8 => elementCount,
        WeightPrecision.Fp16 => elementCount * 2,
        _ => elementCount * FloatBytes,
    };

    /// <summary>One fp32 scale per block of quantized weights; none for float weights.</summary>
    private static long ScaleBytes(WeightPrecision precision, int blockSize, long elementCount)
        => precision is WeightPrecision.Int4 or WeightPrecision.Int8 ? BlockCount(blockSize, elementCount) * FloatBytes : 0;

    private static int MlpBlock(ModelFootprint model) => model.MlpBlockSize ?? model.QuantizationBlockSize;

    private static int LmHeadBlock(ModelFootprint model) => model.LmHeadBlockSize ?? model.QuantizationBlockSize;

    private static long BlockCount(int blockSize, long elementCount) => (elementCount + blockSize - 1) / blockSize;

    /// <summary>
    /// The arena's peak for one prefill chunk: the largest set of fp32 tensors alive at one node, per
    /// token: lm_head (normed hidden in, logits out), the MLP (gate, up, SiLU, product), or attention
    /// (packed QKV, output, and GroupQueryAttention's scores of every head over the whole KV buffer:
    /// a chunk at position p touches heads × chunk × (p + chunk) of them, so this is the peak once the
    /// context fills); plus residual buffers; times the arena factor.
    /// </summary>
    private static long ActivationBytes(ModelFootprint model, int context, int chunk)
    {
        long residual = (long)PlannerCalibration.HiddenBuffersAlive * model.HiddenSize;
        long logits = model.VocabSize + residual;
        if (model.LastPositionLogitsOnly)
        {
            // lm_head runs on one row whatever the chunk: spread its floats over the chunk's tokens.
            logits = (logits + chunk - 1) / chunk;
        }

        long mlp = 4L * model.IntermediateSize + residual;
        long attention = (long)(model.HeadCount + 2 * model.KvHeadCount) * model.HeadDim
            + (long)model.HeadCount * model.HeadDim
            + residual
            + (long)model.HeadCount * context;
        long peakFloatsPerToken = Math.Max(logits, Math.Max(mlp, attention));
        return (long)(chunk * peakFloatsPerToken * FloatBytes * PlannerCalibration.ArenaGrowthFactor);
    }

    /// <summary>The largest context in [floor, cap] that fits, trying cap and then multiples of the context step.</summary>
    private static int? LargestFitting(Func<int, MemoryEstimate> estimateAt, int cap, int floor, long usableBytes)
    {
        for (int context = cap; context >= floor && context > 0; context = context % PlannerCalibration.ContextStep == 0 ? context - PlannerCalibration.ContextStep : context - context % PlannerCalibration.ContextStep)
        {
            if (estimateAt(context).TotalBytes <= usableBytes)
            {
                return context;
            }
        }

        return null;
    }

    private static string Available(MemoryBudget budget)
        => $"{ByteSize.Format(budget.UsableBytes)} available ({ByteSize.Format(budget.AvailableBytes)} free {budget.Kind} minus {ByteSize.Format(budget.HeadroomBytes)} headroom)";

    private static string Alternatives(ModelFootprint model, DeviceProfile profile, MemoryBudget budget, int? smallerContext)
    {
        var alternatives = new List<string>();
        if (smallerContext is { } context)
        {
            alternatives.Add($"a context of {context} tokens");
        }

        if (profile.SmallerModelFor(model.ParameterCount, budget.TotalBytes) is { } smaller)
        {
            alternatives.Add($"the {smaller.Label} model");
        }

        return alternatives.Count > 0 ? string.Join(" or ", alternatives) : "a smaller model or free some memory";
    }
}
