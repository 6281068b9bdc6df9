using EdgeLLM.Format.ModelFolder;
using EdgeLLM.Format.Platform;
using EdgeLLM.Packaging.Kits;
using EdgeLLM.Quantize.Checkpoints;
using EdgeLLM.Quantize.Conversion;
using EdgeLLM.Quantize.Synthetic;
using EdgeLLM.Tests.Shared;

namespace EdgeLLM.Packaging.Tests.Kits;

/// <summary>
/// Inputs of the kit tests, built once per run: a tiny int4 model (tiny-r1-qwen2 synthesized with the real R1 tokenizer,
/// quantized as a user does) and a folder of stand-in binaries (<c>&lt;rid&gt;/edgellm</c>, a few distinct bytes each:
/// pack only copies and hashes them; the launcher tests use the real published binary).
/// </summary>
public sealed class KitFixture : IDisposable
{
    public const string ModelName = "tiny-r1-qwen2-int4";

    private readonly TempFolder root = TestPaths.CreateTemp("packaging-kits");
    private readonly Lazy<string> model;
    private readonly Lazy<string> binaries;

    public KitFixture()
    {
        model = new Lazy<string>(BuildModel);
        binaries = new Lazy<string>(BuildBinaries);
    }

    /// <summary>The tiny int4 model folder (read-only for tests: copy before damaging it).</summary>
    public string Model => model.Value;

    /// <summary>A binaries folder with linux-x64, linux-arm64 and win-x64.</summary>
    public string Binaries => binaries.Value;

    /// <summary>A fresh folder for one test (under the fixture's temporary root).</summary>
    public string NewFolder(string name)
    {
        string folder = Path.Combine(root.Path, $"{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>Packs the tiny model (for linux-x64 and linux-arm64 unless told) into a new "USB STICK…/EDGELLM KIT" folder (spaces on purpose).</summary>
    public string PackKit(string? binariesFolder = null, string[]? targets = null)
    {
        string kit = Path.Combine(NewFolder("USB STICK"), "EDGELLM KIT");
        KitWriter.Pack(new KitRequest
        {
            OutputFolder = kit,
            ModelFolders = [Model],
            Targets = targets ?? ["linux-x64", "linux-arm64"],
            BinariesFolder = binariesFolder ?? Binaries,
        });
        return kit;
    }

    public void Dispose() => root.Dispose();

    private string BuildModel()
    {
        string source = Path.Combine(root.Path, "tiny-r1-qwen2-hf");
        CheckpointSynthesizer.Synthesize(new SynthesisRequest
        {
            Shape = SyntheticShapes.Find("tiny-r1-qwen2"),
            TokenizerFolder = TestPaths.Tokenizer("r1-distill-qwen"),
            OutputFolder = source,
        });
        string output = Path.Combine(root.Path, "models", ModelName);
        using ICheckpoint checkpoint = CheckpointFolder.Open(source);
        ModelConverter.Convert(checkpoint, output, new ConversionOptions
        {
            Precision = WeightPrecision.Int4,
            MaxContext = 256,
            LastPositionLogitsOnly = true,
            SourceFolder = source,
        });
        return output;
    }

    private string BuildBinaries()
    {
        string folder = Path.Combine(root.Path, "binaries");
        foreach (string rid in new[] { "linux-x64", "linux-arm64", "win-x64" })
        {
            Directory.CreateDirectory(Path.Combine(folder, rid));
            File.WriteAllText(Path.Combine(folder, rid, KitLayout.BinaryName(rid)), $"stand-in edgellm binary for {rid}\n");
        }

        return folder;
    }
}

/// <summary>Tests sharing <see cref="KitFixture"/>; one at a time (they run the CLI in-process with the console swapped).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class KitCollection : ICollectionFixture<KitFixture>
{
    public const string Name = "kits";
}
