using System.Collections.Concurrent;
using EdgeLLM.Format.ModelFolder;
using EdgeLLM.Quantize.Architectures;
using EdgeLLM.Quantize.Conversion;
using EdgeLLM.Tests.Shared;

namespace EdgeLLM.Quantize.Tests.Architectures;

/// <summary>
/// Converts each tiny model once per option set for the whole test collection (conversions of
/// 151936 × 128 embeddings take seconds) and deletes the outputs at the end.
/// </summary>
public sealed class ConvertedModels : IDisposable
{
    private readonly TempFolder root = TestPaths.CreateTemp("converted-models");
    private readonly ConcurrentDictionary<string, Lazy<string>> folders = new(StringComparer.Ordinal);

    /// <summary>The output folder of <paramref name="model"/> converted with the given options.</summary>
    internal string Get(string model, WeightPrecision precision, bool lastPositionOnly = false, RotaryPlacement rotary = RotaryPlacement.Auto, GraphTarget target = GraphTarget.Cpu)
    {
        string key = $"{model}-{precision}-{(lastPositionOnly ? "last" : "all")}-{rotary}-{target}".ToLowerInvariant();
        return folders.GetOrAdd(key, _ => new Lazy<string>(() =>
        {
            string output = Path.Combine(root.Path, key);
            using var checkpoint = TinyModels.Open(model);
            ModelConverter.Convert(checkpoint, output, new ConversionOptions
            {
                Precision = precision,
                LastPositionLogitsOnly = lastPositionOnly,
                Rotary = rotary,
                Target = target,
                SourceFolder = TinyModels.Folder(model),
            });
            return output;
        })).Value;
    }

    public void Dispose() => root.Dispose();
}

/// <summary>Tests that share <see cref="ConvertedModels"/>.</summary>
[CollectionDefinition(Name)]
public sealed class ConvertedModelsCollection : ICollectionFixture<ConvertedModels>
{
    public const string Name = "converted tiny models";
}
