using EdgeLLM.Format.Files;
using EdgeLLM.Quantize.Checkpoints;
using EdgeLLM.Quantize.Gguf;
using EdgeLLM.Quantize.Tests.Synthetic;

namespace EdgeLLM.Quantize.Tests.Gguf;

/// <summary>The three tiny checkpoints (rebuilt from the recipe, with their real tokenizers) exported to GGUF once per test class.</summary>
public sealed class ExportedTinyModels : IDisposable
{
    private readonly SynthesizedTinyModels checkpoints = new();

    // Beside the checkpoints, never inside one: an output inside its input is refused (OutputRules).
    private readonly EdgeLLM.Tests.Shared.TempFolder exports = EdgeLLM.Tests.Shared.TestPaths.CreateTemp("exported-gguf");

    public ExportedTinyModels()
    {
        foreach (string name in SynthesizedTinyModels.Names)
        {
            string folder = checkpoints.Folder(name);
            using CheckpointFolder checkpoint = CheckpointFolder.Open(folder);
            foreach (GgufExportType type in Enum.GetValues<GgufExportType>())
            {
                GgufExporter.Export(checkpoint, folder, Path(name, type), type, overwrite: false);
            }
        }
    }

    public string Checkpoint(string name) => checkpoints.Folder(name);

    public string Path(string name, GgufExportType type) => System.IO.Path.Combine(exports.Path, $"{name}.{type.Name()}.gguf");

    /// <summary>The config's vocab_size: the GGUF token list pads the tokenizer's ids up to it.</summary>
    public int ExpectedVocabularySize(string name) => ModelConfig.Load(checkpoints.Folder(name)).VocabSize;

    public void Dispose()
    {
        exports.Dispose();
        checkpoints.Dispose();
    }
}

/// <summary>Tests that load llama.cpp run one at a time (2 cores; one native library per process).</summary>
[CollectionDefinition(nameof(LlamaCppCollection))]
public sealed class LlamaCppCollection : ICollectionFixture<ExportedTinyModels>;
