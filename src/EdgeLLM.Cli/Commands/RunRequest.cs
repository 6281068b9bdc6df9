using EdgeLLM.Format.Providers;
using EdgeLLM.Runtime.Engines;

namespace EdgeLLM.Cli.Commands;

/// <summary>What the person asked for on the command line (see <see cref="RunOptions"/>).</summary>
/// <param name="ExecutionProvider">--ep: auto, cpu, dml or cuda.</param>
/// <param name="DeviceProfile">--device-profile, or null to match the machine.</param>
/// <param name="Context">--context, or null for the largest that fits.</param>
/// <param name="Threads">--threads, or null for the profile's.</param>
public sealed record RunRequest(string ExecutionProvider, string? DeviceProfile, int? Context, int? Threads)
{
    /// <summary>Everything automatic.</summary>
    public static RunRequest Automatic { get; } = new("auto", null, null, null);

    /// <summary>--engine: auto, cpu or onnx.</summary>
    public EngineChoice Engine { get; init; }

    /// <summary>--kv-cache: the CPU engine's KV cache element type.</summary>
    public KvCachePrecision KvCache { get; init; }
}
