using System.Globalization;

namespace EdgeLLM.Runtime.Sampling;

/// <summary>
/// Picks the next token from one row of logits, in the order and with the semantics of Hugging Face
/// <c>generate()</c>: RepetitionPenaltyLogitsProcessor, then (when sampling) TemperatureLogitsWarper,
/// TopKLogitsWarper, TopPLogitsWarper, MinPLogitsWarper, softmax and one draw from a seeded
/// xoshiro256** generator. Greedy settings take the argmax (first index on ties) after the penalty.
/// </summary>
/// <remarks>
/// Every buffer is allocated in the constructor; <see cref="Sample"/> allocates nothing. Work per token is
/// linear in the vocabulary: top-k uses quickselect, and top-p sorts only the most likely tokens that can
/// hold the nucleus (a growing prefix whose remaining tail is provably removed). Candidates are ordered by
/// (score, token id), so ties at a top-p boundary resolve as a stable ascending sort would: the lower
/// token id is dropped first. Sums and exponentials are taken in double precision.
/// An instance is not thread-safe.
/// </remarks>
public sealed class Sampler
{
    private const int FirstNucleusGuess = 64;
    private const int NucleusGrowthFactor = 8;

    private readonly float[] scores;
    private readonly ulong[] candidateKeys;
    private readonly double[] weightsByToken;
    private readonly Xoshiro256StarStar random;
    private readonly float repetitionPenalty;
    private readonly float temperature;

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
        if (!settings.IsGreedy)
        {
            candidateKeys = new ulong[vocabularySize];
            weightsByToken = new double[vocabularySize];
        }
        else
        {
            candidateKeys = [];
            weightsByToken = [];
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
        if (Settings.IsGreedy)
        {
            return ArgMax();
        }

        int survivorCount = Filter();
        return Draw(candidateKeys.AsSpan(0, survivorCount));
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

    /// <summary>Copies the logits into the scratch scores and applies the repetition penalty (HF: gather, where, scatter).</summary>
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

    /// <summary>Runs temperature, top-k, top-p and min-p; the survivors are <c>candidateKeys[..count]</c>.</summary>
    private int Filter()
    {
        int count = DivideByTemperature(out float maxScore);
        if (Settings.TopK > 0 && Settings.TopK < count)
        {
            count = KeepTopK(count);
        }

        ComputeWeights(candidateKeys.AsSpan(0, count), maxScore);
        if (Settings.TopP < 1.0)
        {
            count = KeepTopP(count);
        }

        if (Settings.MinP > 0.0)
        {
            count = KeepMinP(count);
        }

        return count;
    }

    /// <summary>TemperatureLogitsWarper; also gathers every token whose score is above -infinity as a candidate key.</summary>
    private int DivideByTemperature(out float maxScore)
    {
        bool divide = Settings.Temperature != 1.0;
        maxScore = float.NegativeInfinity;
        int count = 0;
        for (int token = 0; token < scores.Length; token++)
        {
            float score = divide ? scores[token] / temperature : scores[token];
            if (!(score < float.PositiveInfinity))
            {
                throw InvalidScore(token, score);
            }

            scores[token] = score;
            if (score > float.NegativeInfinity)
            {
                candidateKeys[count++] = KeyOf(score, token);
                maxScore = MathF.Max(maxScore, score);
            }
        }

        if (count == 0)
        {
            throw new ArgumentException("Sampler: every logit is -infinity, so there is no token to sample.");
        }

        return count;
    }

    /// <summary>TopKLogitsWarper: keeps every score >= the k-th largest (ties with it survive, as with torch.topk).</summary>
    private int KeepTopK(int count)
    {
        Span<ulong> candidates = candidateKeys.AsSpan(0, count);
        PartialSelection.SelectLargest(candidates, Settings.TopK);
        ulong kthScoreBits = candidates[count - Settings.TopK] >> 32;
        int kept = 0;
        foreach (ulong key in candidates)
        {
            if (key >> 32 >= kthScoreBits)
            {
                candidates[kept++] = key;
            }
        }

        return kept;
    }

    /// <summary>
    /// TopPLogitsWarper: in ascending (score, id) order, removes every token whose cumulative probability
    /// is &lt;= 1 - top_p, always keeping the most likely one. Only a head of the most likely tokens is
    /// sorted; it grows until the mass left outside it is itself removable.
    /// </summary>
    private int KeepTopP(int count)
    {
        Span<ulong> candidates = candidateKeys.AsSpan(0, count);
        double removableMass = (1.0 - Settings.TopP) * SumWeights(candidates);
        int headCount = Math.Min(count, FirstNucleusGuess);
        double tailMass = 0;
        while (headCount < count)
        {
            PartialSelection.SelectLargest(candidates, headCount);
            tailMass = SumWeights(candidates[..(count - headCount)]);
            if (tailMass <= removableMass)
            {
                break;
            }

            headCount = (int)Math.Min(count, (long)headCount * NucleusGrowthFactor);
            tailMass = 0;
        }

        Span<ulong> head = candidates[(count - headCount)..];
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
        double minimumWeight = Settings.MinP;
        int kept = 0;
        foreach (ulong key in candidates)
        {
            if (weightsByToken[TokenOf(key)] >= minimumWeight)
            {
                candidates[kept++] = key;
            }
        }

        return kept;
    }

    private void ComputeWeights(ReadOnlySpan<ulong> candidates, float maxScore)
    {
        foreach (ulong key in candidates)
        {
            int token = TokenOf(key);
            weightsByToken[token] = Math.Exp((double)scores[token] - maxScore);
        }
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

    private ArgumentException InvalidScore(int token, float score)
    {
        string value = score.ToString(CultureInfo.InvariantCulture);
        return Settings.IsGreedy || Settings.Temperature == 1.0
            ? new ArgumentException($"Sampler: logit of token {token} is {value}; the model produced an invalid output.")
            : new ArgumentException(
                $"Sampler: logit of token {token} is {value} after dividing by temperature {Settings.Temperature.ToString(CultureInfo.InvariantCulture)}; cannot form a distribution.");
    }
}
