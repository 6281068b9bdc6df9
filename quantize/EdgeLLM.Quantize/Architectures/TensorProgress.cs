using EdgeLLM.Quantize.Checkpoints;
using EdgeLLM.Quantize.Conversion;

namespace EdgeLLM.Quantize.Architectures;

/// <summary>
/// Counts the checkpoint bytes the decoder has finished with (each tensor once, when it is released)
/// and reports them to an optional <see cref="IProgress{T}"/>.
/// </summary>
internal sealed class TensorProgress
{
    private readonly ICheckpoint checkpoint;
    private readonly IProgress<ConversionProgress>? progress;
    private readonly HashSet<string> finished = new(StringComparer.Ordinal);
    private readonly long bytesTotal;
    private long bytesDone;

    public TensorProgress(ICheckpoint checkpoint, IProgress<ConversionProgress>? progress)
    {
        this.checkpoint = checkpoint;
        this.progress = progress;
        if (progress is not null)
        {
            bytesTotal = checkpoint.TensorNames.Sum(checkpoint.ByteCount);
        }
    }

    public void Finished(string tensorName)
    {
        if (progress is null || !finished.Add(tensorName))
        {
            return;
        }

        bytesDone += checkpoint.ByteCount(tensorName);
        progress.Report(new ConversionProgress(tensorName, bytesDone, bytesTotal));
    }
}
