using EdgeLLM.Devices.Profiles;
using EdgeLLM.Devices.Providers;

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

    /// <summary>Lines to show the user before loading (a provider fallback, a tight context); empty when none.</summary>
    public IReadOnlyList<string> Warnings => [.. new[] { ExecutionProvider.Warning, Memory.Note }.OfType<string>()];
}
