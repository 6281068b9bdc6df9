using EdgeLLM.Format.ModelFolder;
using EdgeLLM.Quantize.Checkpoints;
using EdgeLLM.Quantize.Conversion;

namespace EdgeLLM.Quantize.Tests.Evaluation;

/// <summary>The text the eval tests score, and conversions of a checkpoint folder (its tokenizer files travel with it).</summary>
internal static class EvaluationTexts
{
    public const string Story = """
        Once upon a time there was a little girl named Lily. She liked to play in the park with her red ball.
        One day the ball rolled under a big tree, and a small brown dog ran after it. "Is this your ball?" asked the dog.
        Lily smiled and said, "Yes, thank you! Do you want to play with me?" They played until the sun went down.
        The sum of 12 and 30 is 42; twice 21 is 42 as well. def area(r): return 3.14159 * r * r
        When the rain came, they sat under the tree and counted the drops: one, two, three, four, five.
        Then Lily's mother called her home for dinner, and the dog walked with her to the gate, wagging its tail.
        The next morning the dog was waiting at the gate again, with the red ball in its mouth, ready to play.
        """;

    public static string Convert(string checkpointFolder, string output, WeightPrecision precision, bool allPositions = false)
    {
        using CheckpointFolder checkpoint = CheckpointFolder.Open(checkpointFolder);
        ModelConverter.Convert(checkpoint, output, new ConversionOptions
        {
            Precision = precision,
            LastPositionLogitsOnly = !allPositions,
            SourceFolder = checkpointFolder,
        });
        return output;
    }
}
