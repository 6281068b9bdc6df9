using EdgeLLM.Format.ModelFolder;
using EdgeLLM.Quantize.Architectures;
using EdgeLLM.Quantize.Conversion;
using EdgeLLM.Quantize.Quantizers;
using EdgeLLM.Runtime.Engines;
using EdgeLLM.Runtime.Tests.Generation;
using Xunit.Abstractions;

namespace EdgeLLM.Runtime.Tests.Engines;

/// <summary>
/// Both engines under the same assertions: fp32 folders (last-position and all-position logits, fused and
/// separate rotary) reproduce the fixtures' reference logits within 2e-4 at every prefill position and
/// greedy step, with identical greedy ids; on fp16, int8 and int4 folders (symmetric and asymmetric, several
/// block sizes, quantized embeddings and lm_head) the CPU engine (fp32 KV cache), fed ONNX Runtime's greedy
/// ids, stays within a bound of its logits and picks the same id at every step that is not a tie at that
/// bound, the max |Δ logit| and the free-running agreement printed; likewise the default fp16 KV cache on
/// int4 against the fp32 one.
/// </summary>
[Collection(ModelFoldersCollection.Name)]
public sealed class EngineMatrixTests(ModelFolders models, ITestOutputHelper output)
{
    private const double ReferenceTolerance = 2e-4;
    private const int Steps = 24;

    /// <summary>Largest |Δ logit| allowed between the engines on a quantized folder, as a fraction of the step's largest
    /// |logit|: activations are quantized to int8 per block in both, so a one-ulp difference upstream can move one code
    /// (measured up to 0.25 on tiny-qwen3 int4, whose logits reach 24-40, i.e. 1%; 0.03 on the others).</summary>
    private const double QuantizedBound = 0.02;

    /// <summary>Largest |Δ logit| allowed between an fp16 and an fp32 KV cache, as a fraction of the step's largest |logit|
    /// (measured 0.26 on tiny-qwen3).</summary>
    private const double HalfKvBound = 0.02;

    public static TheoryData<string, string> EnginesAndModels()
    {
        var data = new TheoryData<string, string>();
        foreach (string engine in new[] { TestEngines.Cpu, TestEngines.Onnx })
        {
            foreach (string model in new[] { ModelFolders.Qwen2, ModelFolders.Llama31, ModelFolders.Qwen3, ModelFolders.Qwen3Yarn })
            {
                data.Add(engine, model);
            }
        }

        return data;
    }

    public static TheoryData<string, string> QuantizedVariants()
    {
        var data = new TheoryData<string, string>();
        foreach (string model in new[] { ModelFolders.Qwen2, ModelFolders.Llama31, ModelFolders.Qwen3, ModelFolders.Qwen3Yarn })
        {
            foreach (string variant in Variants.Keys)
            {
                data.Add(model, variant);
            }
        }

        return data;
    }

    private static readonly Dictionary<string, ConversionOptions> Variants = new(StringComparer.Ordinal)
    {
        ["fp16"] = new() { Precision = WeightPrecision.Fp16 },
        ["int8-b32"] = new() { Precision = WeightPrecision.Int8, Quantization = new QuantizationSettings { Bits = 8 } },
        ["int4-b32"] = new() { Precision = WeightPrecision.Int4 },
        ["int4-asym-b64-embed-int8"] = new()
        {
            Precision = WeightPrecision.Int4,
            Quantization = new QuantizationSettings { BlockSize = 64, Asymmetric = true, LmHead = LmHeadPrecision.Int4, Embeddings = LmHeadPrecision.Int8 },
        },
        ["int4-b16-lmhead-fp32"] = new() { Precision = WeightPrecision.Int4, Quantization = new QuantizationSettings { BlockSize = 16, LmHead = LmHeadPrecision.Fp32 } },
        ["int8-asym-b128-embed-int4"] = new()
        {
            Precision = WeightPrecision.Int8,
            Quantization = new QuantizationSettings { Bits = 8, BlockSize = 128, Asymmetric = true, Embeddings = LmHeadPrecision.Int4, MlpBlockSize = 256 },
        },
    };

    [Theory]
    [MemberData(nameof(EnginesAndModels))]
    public void Fp32FolderReproducesTheReference(string engine, string model)
        => CheckReference(engine, model, models.Tiny(model), "fp32");

    [Theory]
    [MemberData(nameof(EnginesAndModels))]
    public void Fp32FolderWithAllPositionLogitsAndSeparateRotaryReproducesTheReference(string engine, string model)
    {
        string folder = models.Variant(model, "fp32-all-separate", new ConversionOptions { Rotary = RotaryPlacement.Separate, LastPositionLogitsOnly = false });
        CheckReference(engine, model, folder, "fp32 all-logits separate-rotary");
    }

    [Theory]
    [MemberData(nameof(QuantizedVariants))]
    public void QuantizedFolderGivesOnnxRuntimesGreedyIds(string model, string variant)
    {
        string folder = models.Variant(model, variant, Variants[variant]);
        bool fp16 = variant == "fp16";
        using IDecoderEngine onnx = TestEngines.Open(TestEngines.Onnx, folder);
        using IDecoderEngine cpu = TestEngines.Open(TestEngines.Cpu, folder, kvCache: KvCachePrecision.Float32);
        Agreement agreement = fp16 ? Compare(onnx, cpu, model, ReferenceTolerance, relative: false) : Compare(onnx, cpu, model, QuantizedBound, relative: true);
        output.WriteLine($"{model} {variant}: CPU engine (fp32 KV) vs ONNX Runtime: {agreement}");
    }

    [Theory]
    [InlineData(ModelFolders.Qwen2)]
    [InlineData(ModelFolders.Llama31)]
    [InlineData(ModelFolders.Qwen3)]
    public void HalfKvCacheOnInt4KeepsTheGreedyIds(string model)
    {
        string folder = models.Variant(model, "int4-b32", Variants["int4-b32"]);
        using IDecoderEngine full = TestEngines.Open(TestEngines.Cpu, folder, kvCache: KvCachePrecision.Float32);
        using IDecoderEngine half = TestEngines.Open(TestEngines.Cpu, folder, kvCache: KvCachePrecision.Auto);
        Assert.Contains("fp16 KV", half.Description, StringComparison.Ordinal);
        Agreement agreement = Compare(full, half, model, HalfKvBound, relative: true);
        output.WriteLine($"{model} int4: fp16 KV cache vs fp32 KV cache: {agreement}");
    }

    /// <summary>
    /// Runs <paramref name="expected"/> greedily, then feeds <paramref name="actual"/> the same prompt (one prefill) and the
    /// same chosen ids: every step's logits within <paramref name="bound"/> (times the step's largest |logit| when
    /// <paramref name="relative"/>), and the same argmax at every step whose top-1 margin exceeds twice that (closer calls
    /// are ties at the engines' rounding, counted and printed). Also reports
    /// how many ids a free-running greedy run of <paramref name="actual"/> shares before its first difference.
    /// </summary>
    private static Agreement Compare(IDecoderEngine expected, IDecoderEngine actual, string model, double relativeOrAbsoluteBound, bool relative)
    {
        double maxDelta = 0;
        int ties = 0;
        int identical = 0;
        int matchingReference = 0;
        foreach ((ReferenceLogits reference, int index) in ReferenceLogits.Load(model).Select((item, index) => (item, index)))
        {
            (float[][] expectedLogits, int[] expectedIds) = TestEngines.Greedy(expected, reference.PromptIds, Steps);
            actual.Reset();
            ReadOnlySpan<float> logits = actual.Prefill(reference.PromptIds);
            for (int step = 0; step < Steps; step++)
            {
                double bound = relative ? relativeOrAbsoluteBound * expectedLogits[step].Max(Math.Abs) : relativeOrAbsoluteBound;
                double delta = 0;
                for (int id = 0; id < logits.Length; id++)
                {
                    delta = Math.Max(delta, Math.Abs(logits[id] - expectedLogits[step][id]));
                }

                maxDelta = Math.Max(maxDelta, delta);
                Assert.True(delta <= bound, $"case {index} step {step}: max |Δ logit| {delta:g3} > {bound:g3}");
                if (Margin(expectedLogits[step]) > 2 * bound)
                {
                    Assert.Equal(expectedIds[step], LogitTolerance.ArgMax(logits));
                }
                else
                {
                    ties++;
                }

                if (step + 1 < Steps)
                {
                    logits = actual.Decode(expectedIds[step]);
                }
            }

            (_, int[] freeIds) = TestEngines.Greedy(actual, reference.PromptIds, Steps);
            identical += freeIds.Zip(expectedIds).TakeWhile(pair => pair.First == pair.Second).Count();
            matchingReference += expectedIds.Zip(reference.GreedyIds).TakeWhile(pair => pair.First == pair.Second).Count();
        }

        return new Agreement(maxDelta, ties, identical, matchingReference);
    }

    private static double Margin(float[] logits)
    {
        float first = float.NegativeInfinity;
        float second = float.NegativeInfinity;
        foreach (float logit in logits)
        {
            if (logit > first)
            {
                second = first;
                first = logit;
            }
            else if (logit > second)
            {
                second = logit;
            }
        }

        return first - second;
    }

    private sealed record Agreement(double MaxDelta, int Ties, int FreeRunningIdentical, int MatchingReference)
    {
        public override string ToString()
            => $"max |Δ logit| {MaxDelta:g3} over 2×{Steps} teacher-forced steps, same argmax at every step with a margin above twice the bound ({Ties} closer calls); free-running greedy ids identical for {FreeRunningIdentical} of {2 * Steps}; the expected engine matches the fp32 reference for {MatchingReference} of {2 * Steps}";
    }

    private void CheckReference(string engine, string model, string folder, string label)
    {
        var tolerance = new LogitTolerance(ReferenceTolerance);
        using IDecoderEngine decoder = TestEngines.Open(engine, folder);
        foreach ((ReferenceLogits reference, int index) in ReferenceLogits.Load(model).Select((item, index) => (item, index)))
        {
            (float[][] logits, int[] ids) = TestEngines.Greedy(decoder, reference.PromptIds, Steps);
            for (int step = 0; step < Steps; step++)
            {
                tolerance.Check(logits[step], reference.Steps[step], $"{engine} {model} {label} case {index} step {step}");
            }

            Assert.Equal(reference.GreedyIds, ids);
            float[][] prefill = TestEngines.TeacherForced(decoder, reference.PromptIds);
            for (int position = 0; position < prefill.Length; position++)
            {
                tolerance.Check(prefill[position], reference.Prefill[position], $"{engine} {model} {label} case {index} prefill {position}");
            }
        }

        output.WriteLine($"{engine} {model} {label}: max |Δ logit| {tolerance.MaxError:g3}, greedy ids identical");
    }
}
