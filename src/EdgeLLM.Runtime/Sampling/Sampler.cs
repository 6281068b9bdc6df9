using System.Globalization;
using System.Runtime.InteropServices;
using System.Numerics;
using EdgeLLM.Format;

namespace EdgeLLM.Runtime.Sampling;

/// <summary>
/// Picks the next token from one row of logits, in the order and with the semantics of Hugging Face
/// <c>generate()</c>: RepetitionPenaltyLogitsProcessor, then (when sampling) TemperatureLogitsWarper,
/// TopKLogitsWarper, TopPLogitsWarper, MinPLogitsWarper, softmax and one draw from a seeded
/// xoshiro256** generator. Greedy settings take the argmax (first index on ties) after the penalty.
/// OpenAI's presence and frequency penalties (off by default; not part of Hugging Face's pipeline) follow the
/// repetition penalty: score -= count × frequency_penalty + (count &gt; 0) × presence_penalty, where count is how
/// often this sampler has drawn the token (the completion so far, as OpenAI defines them; the prompt and tokens
/// inserted without sampling are not counted). Use one sampler per completion.
/// </summary>
/// <remarks>
/// Every buffer is allocated in the constructor; <see cref="Sample"/> allocates nothing. Work per token is
/// linear in the vocabulary: temperature and the softmax exponentials use Vector&lt;T&gt; (NEON or AVX
/// width); top-k finds the k-th largest score with a size-k heap in one pass; top-p first sets aside every
/// token lighter than (1 - top_p) / vocabulary size of the total (together they cannot outweigh what top-p
/// removes) and sorts only the rest. Candidates are ordered by (score, token id), so ties at a top-p
/// boundary resolve as a stable ascending sort would: the lower token id is dropped first. Weights and
/// sums are doubles.
/// An instance is not thread-safe.
/// </remarks>
public sealed class Sampler
{
    private readonly float[] scores;
    private readonly ulong[] candidateKeys;
    private readonly double[] weightsByToken;
    private readonly float[] topKHeap;
    private readonly Xoshiro256StarStar random;
    private readonly float repetitionPenalty;
    private readonly float temperature;
    private readonly int[] drawnCounts;
    private readonly int[] drawnTokens;
    private int drawnDistinct;

    public Sampler(SamplingSettings settings, int vocabularySize)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (vocabularySize <= 0)
        {
            throw new ArgumentException($"Sampler: vocabulary size must be positive, got {vocabularySize}.");
        }

        Settings = settings;
        VocabularySize = vocabularySize;
        Seed = settings.Seed ?? Xoshiro256StarStar.SeedFromOperatingSystem();
        random = new Xoshiro256StarStar(Seed);
        repetitionPenalty = (float)settings.RepetitionPenalty;
        temperature = (float)settings.Temperature;
        scores = new float[vocabularySize];
        bool occurrencePenalties = settings.PresencePenalty != 0 || settings.FrequencyPenalty != 0;
        drawnCounts = occurrencePenalties ? new int[vocabularySize] : [];
        drawnTokens = occurrencePenalties ? new int[vocabularySize] : [];
        if (!settings.IsGreedy)
        {
            candidateKeys = new ulong[vocabularySize];
            weightsByToken = new double[vocabularySize];
            topKHeap = new float[settings.TopK < vocabularySize ? settings.TopK : 0];
        }
        else
        {
            candidateKeys = [];
            weightsByToken = [];
            topKHeap = [];
        }
    }

    public SamplingSettings Settings { get; }

    public int VocabularySize { get; }

    /// <summary>The seed in use: the configured one, or the one drawn from the operating system (log it to replay a run).</summary>
    public ulong Seed { get; }

    /// <summary>
    /// The next token id. <paramref name="previousTokens"/> is every token of the sequence so far (prompt
    /// included, as Hugging Face passes <c>input_ids</c>); only its distinct ids matter.
    /// </summary>
    public int Sample(ReadOnlySpan<float> logits, ReadOnlySpan<int> previousTokens)
    {
        ApplyRepetitionPenalty(logits, previousTokens);
        int token = Settings.IsGreedy ? ArgMax() : Draw(candidateKeys.AsSpan(0, Filter()));
        if (drawnCounts.Length > 0 && drawnCounts[token]++ == 0)
        {
            drawnTokens[drawnDistinct++] = token;
        }

        return token;
    }

    /// <summary>
    /// Writes the distribution <see cref="Sample"/> draws from (a one-hot vector for greedy settings)
    /// without drawing, so the random sequence is left untouched.
    /// </summary>
    public void ComputeProbabilities(ReadOnlySpan<float> logits, ReadOnlySpan<int> previousTokens, Span<double> probabilities)
    {
        if (probabilities.Length != VocabularySize)
        {
            throw new ArgumentException(
                $"Sampler: probabilities span has {probabilities.Length} entries, vocabulary has {VocabularySize}.");
        }

        ApplyRepetitionPenalty(logits, previousTokens);
        probabilities.Clear();
        if (Settings.IsGreedy)
        {
            probabilities[ArgMax()] = 1.0;
            return;
        }

        Span<ulong> survivors = candidateKeys.AsSpan(0, Filter());
        double total = SumWeights(survivors);
        foreach (ulong key in survivors)
        {
            int token = TokenOf(key);
            probabilities[token] = weightsByToken[token] / total;
        }
    }

    /// <summary>Copies the logits into the scratch scores and applies the repetition penalty (HF: gather, where, scatter), then the presence and frequency penalties.</summary>
    private void ApplyRepetitionPenalty(ReadOnlySpan<float> logits, ReadOnlySpan<int> previousTokens)
    {
        if (logits.Length != VocabularySize)
        {
            throw new ArgumentException($"Sampler: got {logits.Length} logits, vocabulary has {VocabularySize}.");
        }

        logits.CopyTo(scores);
        bool penalize = Settings.RepetitionPenalty != 1.0;
        for (int position = 0; position < previousTokens.Length; position++)
        {
            int token = previousTokens[position];
            if ((uint)token >= (uint)VocabularySize)
            {
                throw new ArgumentException(
                    $"Sampler: previous token {token} at position {position} is outside the vocabulary (0..{VocabularySize - 1}).");
            }

            if (penalize)
            {
                // Reads the original logit, so a token repeated in the history is penalized once.
                float logit = logits[token];
                scores[token] = logit < 0 ? logit * repetitionPenalty : logit / repetitionPenalty;
            }
        }

        float presence = (float)Settings.PresencePenalty;
        float frequency = (float)Settings.FrequencyPenalty;
        for (int index = 0; index < drawnDistinct; index++)
        {
            int token = drawnTokens[index];
            scores[token] -= drawnCounts[token] * frequency + presence;
        }
    }

    private int ArgMax()
    {
        int best = 0;
        float bestScore = float.NegativeInfinity;
        for (int token = 0; token < scores.Length; token++)
        {
            float score = scores[token];
            if (float.IsNaN(score))
            {
                throw InvalidScore(token, score);
            }

            if (score > bestScore)
            {
                bestScore = score;
                best = token;
            }
        }

        return best;
    }

    /// <summary>
    /// Runs temperature, top-k, top-p and min-p; the survivors are <c>candidateKeys[..count]</c> and their
    /// unnormalized probabilities exp(score - max) are in <c>weightsByToken</c>.
    /// </summary>
    private int Filter()
    {
        float maxScore = DivideByTemperature();
        if (Settings.TopK > 0 && Settings.TopK < VocabularySize)
        {
            int count = CollectTopK(maxScore);
            if (Settings.TopP < 1.0)
            {
                Span<ulong> candidates = candidateKeys.AsSpan(0, count);
                count = KeepTopP(count, tailMass: 0, (1.0 - Settings.TopP) * SumWeights(candidates));
            }

            return Settings.MinP > 0.0 ? KeepMinP(count) : count;
        }

        ComputeAllWeights(maxScore);
        if (Settings.TopP < 1.0)
        {
            int headCount = CollectNucleusHead(out double tailMass, out double removableMass);
            int count = KeepTopP(headCount, tailMass, removableMass);
            return Settings.MinP > 0.0 ? KeepMinP(count) : count;
        }

        // Min-p alone (or no filter at all: every token with a non-zero weight).
        return CollectWeightsAtLeast(Settings.MinP > 0.0 ? Settings.MinP : double.Epsilon);
    }

    /// <summary>TemperatureLogitsWarper (scores / t in single precision, as torch does); returns the largest score.</summary>
    private float DivideByTemperature()
    {
        bool divide = Settings.Temperature != 1.0;
        ref float first = ref MemoryMarshal.GetArrayDataReference(scores);
        var divisor = new Vector<float>(temperature);
        var positiveInfinity = new Vector<float>(float.PositiveInfinity);
        var largest = new Vector<float>(float.NegativeInfinity);
        Vector<int> finite = Vector<int>.AllBitsSet;
        int token = 0;
        for (; token <= scores.Length - Vector<float>.Count; token += Vector<float>.Count)
        {
            Vector<float> block = Vector.LoadUnsafe(ref first, (nuint)token);
            if (divide)
            {
                block /= divisor;
                block.StoreUnsafe(ref first, (nuint)token);
            }

            finite &= Vector.LessThan(block, positiveInfinity);
            largest = Vector.Max(largest, block);
        }

        float maxScore = float.NegativeInfinity;
        bool allFinite = finite == Vector<int>.AllBitsSet;
        for (; token < scores.Length; token++)
        {
            float score = divide ? scores[token] / temperature : scores[token];
            scores[token] = score;
            allFinite &= score < float.PositiveInfinity;
            maxScore = MathF.Max(maxScore, score);
        }

        if (!allFinite)
        {
            ThrowOnFirstInvalidScore();
        }

        for (int lane = 0; lane < Vector<float>.Count; lane++)
        {
            maxScore = MathF.Max(maxScore, largest[lane]);
        }

        if (maxScore == float.NegativeInfinity)
        {
            throw new EdgeLlmException("Sampler: every logit is -infinity, so there is no token to sample.");
        }

        return maxScore;
    }

    /// <summary>
    /// TopKLogitsWarper: keeps every score >= the k-th largest (ties with it survive, as with torch.topk),
    /// found with a size-k min-heap in one pass; gathers the survivors' keys and weights.
    /// </summary>
    private int CollectTopK(float maxScore)
    {
        float kthLargest = KthLargestScore();
        int count = 0;
        for (int token = 0; token < scores.Length; token++)
        {
            float score = scores[token];
            if (score >= kthLargest && score > float.NegativeInfinity)
            {
                candidateKeys[count++] = KeyOf(score, token);
                weightsByToken[token] = Math.Exp((double)score - maxScore);
            }
        }

        return count;
    }

    private float KthLargestScore()
    {
        Span<float> heap = topKHeap;
        scores.AsSpan(0, heap.Length).CopyTo(heap);
        for (int parent = (heap.Length / 2) - 1; parent >= 0; parent--)
        {
            SiftDown(heap, parent);
        }

        for (int token = heap.Length; token < scores.Length; token++)
        {
            if (scores[token] > heap[0])
            {
                heap[0] = scores[token];
                SiftDown(heap, 0);
            }
        }

        return heap[0];
    }

    /// <summary>Restores the min-heap property below <paramref name="parent"/>.</summary>
    private static void SiftDown(Span<float> heap, int parent)
    {
        float value = heap[parent];
        while (true)
        {
            int child = (2 * parent) + 1;
            if (child >= heap.Length)
            {
                break;
            }

            if (child + 1 < heap.Length && heap[child + 1] < heap[child])
            {
                child++;
            }

            if (heap[child] >= value)
            {
                break;
            }

            heap[parent] = heap[child];
            parent = child;
        }

        heap[parent] = value;
    }

    /// <summary>exp(score - max) for the whole vocabulary (-infinity gives 0).</summary>
    private void ComputeAllWeights(float maxScore)
    {
        ref float firstScore = ref MemoryMarshal.GetArrayDataReference(scores);
        ref double firstWeight = ref MemoryMarshal.GetArrayDataReference(weightsByToken);
        var max = new Vector<double>(maxScore);
        int token = 0;
        for (; token <= scores.Length - Vector<float>.Count; token += Vector<float>.Count)
        {
            Vector.Widen(Vector.LoadUnsafe(ref firstScore, (nuint)token), out Vector<double> lower, out Vector<double> upper);
            Vector.Exp(lower - max).StoreUnsafe(ref firstWeight, (nuint)token);
            Vector.Exp(upper - max).StoreUnsafe(ref firstWeight, (nuint)(token + Vector<double>.Count));
        }

        for (; token < scores.Length; token++)
        {
            weightsByToken[token] = Math.Exp((double)scores[token] - maxScore);
        }
    }

    /// <summary>
    /// Top-p over the whole vocabulary, first step: every token with a weight below
    /// removable mass / vocabulary size lies in the ascending prefix that top-p removes (together they weigh
    /// less than the removable mass), so only the tokens at or above it are gathered as candidate keys.
    /// </summary>
    private int CollectNucleusHead(out double tailMass, out double removableMass)
    {
        double total = 0;
        foreach (double weight in weightsByToken)
        {
            total += weight;
        }

        removableMass = (1.0 - Settings.TopP) * total;
        double headWeight = Math.Max(removableMass / VocabularySize, double.Epsilon);
        tailMass = 0;
        int count = 0;
        for (int token = 0; token < weightsByToken.Length; token++)
        {
            double weight = weightsByToken[token];
            if (weight >= headWeight)
            {
                candidateKeys[count++] = KeyOf(scores[token], token);
            }
            else
            {
                tailMass += weight;
            }
        }

        return count;
    }

    /// <summary>
    /// TopPLogitsWarper: in ascending (score, id) order, removes every token whose cumulative probability
    /// is &lt;= 1 - top_p, always keeping the most likely one. <paramref name="tailMass"/> is the mass of
    /// tokens already known to lie below the candidates.
    /// </summary>
    private int KeepTopP(int count, double tailMass, double removableMass)
    {
        Span<ulong> head = candidateKeys.AsSpan(0, count);
        head.Sort();
        double cumulativeMass = tailMass;
        int firstKept = head.Length - 1;
        for (int position = 0; position < head.Length - 1; position++)
        {
            cumulativeMass += weightsByToken[TokenOf(head[position])];
            if (cumulativeMass > removableMass)
            {
                firstKept = position;
                break;
            }
        }

        head[firstKept..].CopyTo(candidateKeys);
        return head.Length - firstKept;
    }

    /// <summary>
    /// MinPLogitsWarper: removes tokens whose probability is below min_p times the largest. Weights are
    /// exp(score - max), so the largest is exactly 1 and the test is weight &lt; min_p.
    /// </summary>
    private int KeepMinP(int count)
    {
        Span<ulong> candidates = candidateKeys.AsSpan(0, count);
        int kept = 0;
        foreach (ulong key in candidates)
        {
            if (weightsByToken[TokenOf(key)] >= Settings.MinP)
            {
                candidates[kept++] = key;
            }
        }

        return kept;
    }

    /// <summary>Gathers every token whose weight is at least <paramref name="minimumWeight"/> (min-p over the whole vocabulary).</summary>
    private int CollectWeightsAtLeast(double minimumWeight)
    {
        int count = 0;
        for (int token = 0; token < weightsByToken.Length; token++)
        {
            if (weightsByToken[token] >= minimumWeight)
            {
                candidateKeys[count++] = KeyOf(scores[token], token);
            }
        }

        return count;
    }

    private double SumWeights(ReadOnlySpan<ulong> candidates)
    {
        double total = 0;
        foreach (ulong key in candidates)
        {
            total += weightsByToken[TokenOf(key)];
        }

        return total;
    }

    /// <summary>Inverse-CDF draw over the survivors' weights.</summary>
    private int Draw(ReadOnlySpan<ulong> survivors)
    {
        double threshold = random.NextDouble() * SumWeights(survivors);
        double cumulativeMass = 0;
        int lastPositive = TokenOf(survivors[^1]);
        foreach (ulong key in survivors)
        {
            int token = TokenOf(key);
            double weight = weightsByToken[token];
            if (weight <= 0)
            {
                continue;
            }

            cumulativeMass += weight;
            lastPositive = token;
            if (threshold < cumulativeMass)
            {
                return token;
            }
        }

        // Only reached when rounding put the threshold on the total itself.
        return lastPositive;
    }

    /// <summary>(score, token) packed so that unsigned order is score order, then token order; all keys are distinct.</summary>
    private static ulong KeyOf(float score, int token)
    {
        uint bits = BitConverter.SingleToUInt32Bits(score + 0f); // + 0f turns -0 into +0, so they tie as in torch.
        uint orderedBits = (bits & 0x8000_0000u) != 0 ? ~bits : bits | 0x8000_0000u;
        return ((ulong)orderedBits << 32) | (uint)token;
    }

    private static int TokenOf(ulong key) => (int)(uint)key;

    private void ThrowOnFirstInvalidScore()
    {
        for (int token = 0; token < scores.Length; token++)
        {
            if (!(scores[token] < float.PositiveInfinity))
            {
                throw InvalidScore(token, scores[token]);
            }
        }
    }

    private EdgeLlmException InvalidScore(int token, float score)
    {
        string value = score.ToString(CultureInfo.InvariantCulture);
        return Settings.IsGreedy || Settings.Temperature == 1.0
            ? new EdgeLlmException($"Sampler: logit of token {token} is {value}; the model produced an invalid output.")
            : new EdgeLlmException(
                $"Sampler: logit of token {token} is {value} after dividing by temperature {Settings.Temperature.ToString(CultureInfo.InvariantCulture)}; cannot form a distribution.");
    }
}
