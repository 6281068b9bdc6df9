using EdgeLLM.Format.ModelFolder;
using EdgeLLM.Quantize.Checkpoints;
using EdgeLLM.Quantize.Conversion;
using EdgeLLM.Quantize.Synthetic;
using EdgeLLM.Tests.Shared;

namespace EdgeLLM.Tui.Tests.Harness;

/// <summary>
/// A tiny synthetic R1-Qwen2 checkpoint with the real R1 tokenizer, converted to an int4 EdgeLLM
/// folder: what `edgellm synth --shape tiny-r1-qwen2` + `edgellm quantize --precision int4` make.
/// </summary>
internal static class TinyModel
{
    /// <summary>Writes the model folder <paramref name="modelFolder"/> (its checkpoint goes to a sibling "-hf" folder) and returns it.</summary>
    public static string Create(string modelFolder, int maxContext)
    {
        string checkpoint = modelFolder + "-hf";
        CheckpointSynthesizer.Synthesize(new SynthesisRequest
        {
            Shape = SyntheticShapes.Find("tiny-r1-qwen2"),
            TokenizerFolder = TestPaths.Tokenizer("r1-distill-qwen"),
            OutputFolder = checkpoint,
        });
        using (CheckpointFolder folder = CheckpointFolder.Open(checkpoint))
        {
            ModelConverter.Convert(folder, modelFolder, new ConversionOptions
            {
                Precision = WeightPrecision.Int4,
                MaxContext = maxContext,
                LastPositionLogitsOnly = true,
                SourceFolder = checkpoint,
            });
        }

        return modelFolder;
    }
}
