using System.Globalization;
using System.Text;
using EdgeLLM.Format;
using EdgeLLM.Format.ModelFolder;
using EdgeLLM.Quantize.Checkpoints;
using EdgeLLM.Quantize.Conversion;
using EdgeLLM.Quantize.Quantizers;
using EdgeLLM.Runtime.Chat;
using EdgeLLM.Runtime.Engines.Cpu;

namespace EdgeLLM.Cli.Calibration;

/// <summary>
/// The importance of every Linear layer's input channels for <c>edgellm quantize</c>: the checkpoint converted to
/// <see cref="CopyPrecision"/> in the scratch folder the converter gives (inside its staging area, removed afterwards), the calibration
/// text tokenized with the model's tokenizer and run through the CPU engine in chunks of up to
/// <see cref="ChunkTokens"/> tokens from an empty cache (BOS first when the tokenizer adds one), and the mean
/// squared activation per channel collected from every token.
/// </summary>
public static class CalibrationPass
{
    /// <summary>Tokens per forward chunk (each from position 0, as llama.cpp's imatrix tool runs its chunks).</summary>
    public const int ChunkTokens = 512;

    /// <summary>
    /// The precision of the model the calibration text runs through: int8 with round-to-nearest scales (a quarter of
    /// fp32's scratch space and the CPU engine's fast path). The mean squared activations it gives are within 2.5 %
    /// of the fp32 model's in the worst channel of the tiny fixtures (CalibrationPassTests): far below what moves a 4-bit scale choice.
    /// </summary>
    public const WeightPrecision CopyPrecision = WeightPrecision.Int8;

    /// <summary>The calibration of <paramref name="checkpoint"/> for the converter (<see cref="ConversionOptions.Calibration"/>).</summary>
    /// <param name="gptq">The inputs whose whole E[x·xᵀ] is kept for GPTQ's error feedback (<see cref="ActivationImportanceObserver.CovarianceBytes"/> of memory).</param>
    /// <param name="lmHeadGptq">Keep an untied lm_head's input E[x·xᵀ] too (GPTQ on a 4-bit lm_head).</param>
    public static ImportanceCalibration For(ICheckpoint checkpoint, string sourceFolder, CalibrationText text, int threads, GptqInputs gptq = GptqInputs.None, bool lmHeadGptq = false)
        => (scratch, progress, cancellation) => Run(checkpoint, sourceFolder, scratch, text, threads, CopyPrecision, cancellation, gptq, progress, lmHeadGptq);

    /// <param name="precision">The precision of the scratch copy the text runs through (<see cref="CopyPrecision"/> for quantize).</param>
    /// <param name="gptq">The inputs whose whole E[x·xᵀ] is kept for GPTQ's error feedback.</param>
    /// <param name="progress">Hears the scratch copy's tensors ("calibration copy: …"), then the tokens run ("calibration text: …").</param>
    /// <param name="lmHeadGptq">Keep an untied lm_head's input E[x·xᵀ] too.</param>
    public static ChannelImportance Run(ICheckpoint checkpoint, string sourceFolder, string scratch, CalibrationText text, int threads, WeightPrecision precision, CancellationToken cancellation, GptqInputs gptq = GptqInputs.None, IProgress<ConversionProgress>? progress = null, bool lmHeadGptq = false)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(text);
        ModelConfig config = checkpoint.Config;
        int context = Math.Min(ChunkTokens, config.MaxPositionEmbeddings);
        ModelConverter.Convert(checkpoint, scratch, new ConversionOptions
        {
            Precision = precision,
            Quantization = new QuantizationSettings { ScaleChoice = ScaleChoice.RoundToNearest },
            MaxContext = context,
            LastPositionLogitsOnly = true,
            SourceFolder = sourceFolder,
            Progress = progress is null ? null : new LabelledProgress(progress, "calibration copy: "),
        }, cancellation);

        PromptBuilder prompts = PromptBuilder.Load(scratch);
        IReadOnlyList<int> tokens = prompts.EncodePlain(text.Text);
        if (tokens.Count < 2)
        {
            throw new EdgeLlmException($"calibration text '{text.Source}' has {tokens.Count} token(s); at least 2 are needed");
        }

        int? bos = prompts.Tokenizer.BeginningOfSequenceId is int id && prompts.Tokenizer.SpecialPrefixIds.Contains(id) ? id : null;
        var observer = new ActivationImportanceObserver(config, gptq, lmHeadGptq);
        long textBytes = Encoding.UTF8.GetByteCount(text.Text);
        using (CpuEngine engine = CpuEngine.Open(scratch, new CpuEngineOptions { ContextLength = context, Threads = threads, LinearInputs = observer }))
        {
            int[] chunk = new int[context];
            for (int start = 0; start < tokens.Count; start += context)
            {
                cancellation.ThrowIfCancellationRequested();
                int count = Math.Min(context, tokens.Count - start);
                for (int i = 0; i < count; i++)
                {
                    chunk[i] = tokens[start + i];
                }

                if (bos is int first && start > 0)
                {
                    chunk[0] = first;
                }

                engine.Reset();
                engine.Prefill(chunk.AsSpan(0, count));
                // The bar counts bytes: the text's, in proportion to the tokens run.
                progress?.Report(new ConversionProgress(
                    string.Create(CultureInfo.InvariantCulture, $"calibration text: {start + count:N0} of {tokens.Count:N0} tokens"),
                    textBytes * (start + count) / tokens.Count,
                    textBytes));
            }
        }

        return observer.ToImportance(tokens.Count, text.Source);
    }

    /// <summary>The scratch copy's progress under its own label, so the bar does not look like the real conversion.</summary>
    private sealed class LabelledProgress(IProgress<ConversionProgress> inner, string label) : IProgress<ConversionProgress>
    {
        public void Report(ConversionProgress value) => inner.Report(value with { TensorName = label + value.TensorName });
    }
}
