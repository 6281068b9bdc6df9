namespace EdgeLLM.Devices.Planning;

/// <summary>
/// Every constant of the memory estimate that is a judgement rather than arithmetic, in one place,
/// so measuring peak RSS (synthetic 1.5B int4 at two context sizes) changes only this file.
/// Status: CALIBRATED on x64 Linux (not yet on ARM boards). Parts measured (ORT 1.32.0, Linux 6.18 x64, AVX2) on a weights-only
/// skeleton of the 1.5B int4 model (its 197 MatMulNBits with distinct random weights, accuracy_level 4,
/// plus the fp32 embedding Gather, external data 64 KiB-aligned): prepacked heap 1,185,878,016 bytes
/// against 1,157,677,056 estimated (-2.4 %); the MatMulNBits scales stay mapped and resident (the B
/// initializers are unmapped); each distinct embedding row brought 359,168 bytes of the file into RSS
/// (512 spread-out ids); the process with ORT loaded and no weights was 71 MB. Peak RSS of that skeleton
/// 1,640,599,552 (512 ids) and 2,200,113,152 (4096 ids) bytes against 1,606,572,608 (-2.1 %) and
/// 2,355,518,016 (+7.1 %) estimated with the same formulas; lm_head logits for 64 and 256 prompt rows
/// added exactly their size to RSS. The whole model through the runtime is checked by
/// PlannerCalibrationTests (tests/EdgeLLM.Runtime.Tests/Planning): <c>edgellm generate --context N --json</c>
/// on the synthetic 1.5B int4 folder with N − 16 distinct prompt tokens, estimate against peak RSS within
/// 15 % at 1024 and 4096 tokens (measured −4.0 % and +2.7 % while the scales still counted as mapped and
/// stayed resident; not yet measured again since <see cref="ScalesLeaveMemoryAfterLoad"/>; devices/README.md has the table).
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
    /// Multiplies the per-node peak of live activations. The BFC arena reserves regions by doubling,
    /// but pages it never touches do not count in RSS: a 64- and a 256-row lm_head grew RSS by exactly
    /// their logits (measured). Fragmentation across a whole decoder graph is not yet measured.
    /// </summary>
    public const double ArenaGrowthFactor = 1.0;

    /// <summary>Residual-width float buffers alive beside each node's own inputs and outputs (residual, normed input).</summary>
    public const int HiddenBuffersAlive = 2;

    /// <summary>
    /// File-backed bytes a gathered embedding row brings into RSS: the kernel maps the cached pages
    /// (large folios, fault-around) around each fault, far more than one row. Measured 359,168 bytes
    /// per distinct row on Linux 6.18 (512 ids spread over the table). The planner counts one prefill
    /// chunk of such rows: the whole model at 4096 distinct prompt tokens peaked at 1972 MB with only about
    /// 60 MB of the 933 MB embedding resident (the machine's page cache under pressure took the older rows
    /// back), against 2852 MB estimated when every touched row was counted (+44.6 %).
    /// </summary>
    public const long MappedBytesPerTouchedRow = 352 * 1024;

    /// <summary>
    /// Whether the MatMulNBits scales leave RSS after loading. ONNX Runtime keeps them mapped for the
    /// session's life though its packed copy holds them; on Linux the runtime drops their resident pages
    /// once the session is created (EdgeLLM.Runtime's WeightFilePages, madvise), and nothing reads them
    /// again (measured: the file's resident pages fell from 240 MB to 55 MB on the 1.5B int4 model and
    /// stayed there while generating). Elsewhere they stay resident.
    /// </summary>
    public static bool ScalesLeaveMemoryAfterLoad => OperatingSystem.IsLinux();

    /// <summary>The smallest context worth planning for: below it a reasoning model cannot finish a thought.</summary>
    public const int MinimumContext = 512;

    /// <summary>Contexts the planner picks on its own are multiples of this.</summary>
    public const int ContextStep = 256;
}
