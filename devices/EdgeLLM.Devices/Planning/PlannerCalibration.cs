namespace EdgeLLM.Devices.Planning;

/// <summary>
/// Every constant of the memory estimate that is a judgement rather than arithmetic, in one place,
/// so measuring peak RSS (synthetic 1.5B int4 at two context sizes) changes only this file.
/// Status: NOT YET CALIBRATED; the values come from ONNX Runtime's sources and allocator
/// behaviour, not from a measurement (the converter and runtime were not available yet).
/// </summary>
public static class PlannerCalibration
{
    /// <summary>Process baseline: .NET runtime, ONNX Runtime's native code and tables, tokenizer vocabulary.</summary>
    public const long RuntimeBaseBytes = 150 * ByteSize.Megabyte;

    /// <summary>Device memory a CUDA/DirectML context takes before any tensor.</summary>
    public const long GpuContextBytes = 400 * ByteSize.Megabyte;

    /// <summary>
    /// Bytes per quantization block that MLAS adds when it prepacks MatMulNBits for int8 compute
    /// (accuracy_level 4): one fp32 block sum per block, besides the packed B and the fp32 scales.
    /// </summary>
    public const int PrepackedExtraBytesPerBlock = 4;

    /// <summary>
    /// The BFC arena grows by doubling regions (kNextPowerOfTwo), so it holds more than the peak of
    /// live activations; this multiplies the per-node peak.
    /// </summary>
    public const double ArenaGrowthFactor = 1.5;

    /// <summary>Residual-width float buffers alive beside each node's own inputs and outputs (residual, normed input).</summary>
    public const int HiddenBuffersAlive = 2;

    /// <summary>
    /// File-backed bytes a gathered embedding row brings into RSS: Linux maps 64 KiB of
    /// already-cached pages around each fault (fault_around_bytes), more than one row.
    /// </summary>
    public const long MappedBytesPerTouchedRow = 64 * 1024;

    /// <summary>Share of the context's tokens that are distinct embedding rows (1 = every token new: the worst case).</summary>
    public const double DistinctTokenShare = 1.0;

    /// <summary>The smallest context worth planning for: below it a reasoning model cannot finish a thought.</summary>
    public const int MinimumContext = 512;

    /// <summary>Contexts the planner picks on its own are multiples of this.</summary>
    public const int ContextStep = 256;
}
