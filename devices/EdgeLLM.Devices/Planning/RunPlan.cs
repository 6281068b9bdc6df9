using EdgeLLM.Devices.Profiles;
using EdgeLLM.Devices.Providers;
using EdgeLLM.Format.Providers;

namespace EdgeLLM.Devices.Planning;

/// <summary>
/// Everything the runtime needs to decide before it loads a model: the profile, the execution
/// provider and device id to append to the session options, intra-op threads, and the memory plan
/// whose context sizes the KV buffer (<see cref="MemoryPlan.Context"/>) in <see cref="KvPrecision"/>,
/// with prompts fed <see cref="PrefillChunk"/> tokens at a time.
/// </summary>
public sealed record RunPlan(ProfileChoice Profile, ExecutionProviderChoice ExecutionProvider, MemoryPlan Memory, int IntraOpThreadCount)
{
    public KvPrecision KvPrecision => Profile.Profile.KvPrecision;

    public int PrefillChunk => Profile.Profile.PrefillChunk;

    /// <summary>Weights counted as mapped file pages (EdgeLLM's CPU engine) rather than ONNX Runtime's prepacked copy.</summary>
    public bool MappedCpuWeights { get; init; }

    /// <summary>A line from whoever chose the engine after planning (e.g. the mapped CPU engine because only it fits); null when none.</summary>
    public string? EngineNote { get; init; }

    /// <summary>Lines to show the user before loading (a provider fallback, a tight context, an engine choice); empty when none.</summary>
    public IReadOnlyList<string> Warnings => [.. new[] { ExecutionProvider.Warning, Memory.Note, EngineNote }.OfType<string>()];
}
