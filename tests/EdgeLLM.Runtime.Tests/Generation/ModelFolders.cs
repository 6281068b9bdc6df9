using System.Collections.Concurrent;
using EdgeLLM.Format.ModelFolder;
using EdgeLLM.Quantize.Architectures;
using EdgeLLM.Quantize.Checkpoints;
using EdgeLLM.Quantize.Conversion;
using EdgeLLM.Quantize.Synthetic;
using EdgeLLM.Tests.Shared;

namespace EdgeLLM.Runtime.Tests.Generation;

/// <summary>
/// EdgeLLM model folders built the way a user builds them (synth with the real tokenizer, then quantize),
/// once per test run: the three tiny reference models and, where ../shared has it, stories260k.
/// </summary>
public sealed class ModelFolders : IDisposable
{
    public const string Qwen2 = "tiny-r1-qwen2";
    public const string Llama31 = "tiny-llama31";
    public const string Qwen3 = "tiny-qwen3";
    public const string Qwen3Yarn = "tiny-qwen3-yarn";

    private readonly TempFolder root = TestPaths.CreateTemp("runtime-models");
    private readonly ConcurrentDictionary<string, Lazy<string>> folders = new(StringComparer.Ordinal);

    public static TheoryData<string> TinyModels => [Qwen2, Llama31, Qwen3, Qwen3Yarn];

    /// <summary>The fp32 model folder of a tiny shape, converted with last-position (default) or all-position logits, for the CPU (default) or DirectML graph.</summary>
    public string Tiny(string shapeName, bool lastPositionLogitsOnly = true, GraphTarget target = GraphTarget.Cpu)
        => folders.GetOrAdd($"{shapeName}-{lastPositionLogitsOnly}-{target}", _ => new Lazy<string>(() =>
            Convert(Source(shapeName), $"{shapeName}-{(lastPositionLogitsOnly ? "last" : "all")}{(target == GraphTarget.Cpu ? string.Empty : "-" + target.Name())}", lastPositionLogitsOnly, target))).Value;

    /// <summary>
    /// A tiny shape converted with <paramref name="options"/> (precision, quantization, rotary placement, ...), once per
    /// <paramref name="label"/>; MaxContext 256 and the source folder are filled in.
    /// </summary>
    public string Variant(string shapeName, string label, ConversionOptions options)
        => folders.GetOrAdd($"{shapeName}-variant-{label}", _ => new Lazy<string>(() =>
        {
            string source = Source(shapeName);
            string output = Path.Combine(root.Path, $"{shapeName}-{label}");
            using ICheckpoint checkpoint = CheckpointFolder.Open(source);
            ModelConverter.Convert(checkpoint, output, options with { MaxContext = 256, SourceFolder = source });
            return output;
        })).Value;

    private string Source(string shapeName)
    {
        lock (folders)
        {
            string source = Path.Combine(root.Path, shapeName + "-hf");
            if (!Directory.Exists(source))
            {
                CheckpointSynthesizer.Synthesize(new SynthesisRequest
                {
                    Shape = SyntheticShapes.Find(shapeName),
                    TokenizerFolder = TestPaths.Tokenizer(TokenizerOf(shapeName)),
                    OutputFolder = source,
                });
            }

            return source;
        }
    }

    /// <summary>stories260k converted to fp32, or null where ../shared/fixtures/stories260k is absent.</summary>
    public string? Stories260k()
        => TestPaths.Stories260k is { } source
            ? folders.GetOrAdd("stories260k", _ => new Lazy<string>(() => Convert(source, "stories260k", lastPositionLogitsOnly: true, GraphTarget.Cpu))).Value
            : null;

    public void Dispose() => root.Dispose();

    private string Convert(string source, string name, bool lastPositionLogitsOnly, GraphTarget target)
    {
        string output = Path.Combine(root.Path, name);
        using ICheckpoint checkpoint = CheckpointFolder.Open(source);
        ModelConverter.Convert(checkpoint, output, new ConversionOptions
        {
            Precision = WeightPrecision.Fp32,
            MaxContext = 256,
            LastPositionLogitsOnly = lastPositionLogitsOnly,
            Target = target,
            SourceFolder = source,
        });
        return output;
    }

    private static string TokenizerOf(string shapeName) => shapeName switch
    {
        Qwen2 => "r1-distill-qwen",
        Llama31 => "llama31",
        Qwen3 or Qwen3Yarn => "qwen3",
        _ => throw new ArgumentOutOfRangeException(nameof(shapeName), shapeName, null),
    };
}

/// <summary>Tests that share <see cref="ModelFolders"/>; they run one after another (each opens ONNX Runtime sessions).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ModelFoldersCollection : ICollectionFixture<ModelFolders>
{
    public const string Name = "runtime model folders";
}
