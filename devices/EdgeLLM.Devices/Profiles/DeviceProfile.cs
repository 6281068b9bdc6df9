using EdgeLLM.Devices.Providers;
using EdgeLLM.Format.Providers;

namespace EdgeLLM.Devices.Profiles;

/// <summary>
/// How EdgeLLM runs on one class of machine, as data (devices/profiles/*.json): which execution
/// providers to try in order, threads, context sizes, KV precision, prompt chunk, memory headroom
/// and the model variants that suit it.
/// </summary>
/// <param name="Name">File name without .json ("raspberry-pi-4"); what --device-profile takes.</param>
/// <param name="Description">One line for people.</param>
/// <param name="Priority">Among matching profiles the highest wins (specific boards and GPUs above generic CPUs).</param>
/// <param name="Match">When the profile applies.</param>
/// <param name="ExecutionProviders">Providers in order of preference; always includes CPU.</param>
/// <param name="ThreadCount">Intra-op threads; 0 means one per physical core.</param>
/// <param name="DefaultContext">The context this class of machine should reach; a plan below it carries a note.</param>
/// <param name="MaximumContext">The largest context the planner picks on its own.</param>
/// <param name="KvPrecision">KV cache element type.</param>
/// <param name="PrefillChunk">Prompt tokens per prefill run (bounds the activation arena).</param>
/// <param name="Headroom">Memory left to the OS.</param>
/// <param name="RecommendedModels">Variants that suit the profile, largest memory first.</param>
public sealed record DeviceProfile(
    string Name,
    string Description,
    int Priority,
    ProfileCriteria Match,
    IReadOnlyList<ExecutionProvider> ExecutionProviders,
    int ThreadCount,
    int DefaultContext,
    int MaximumContext,
    KvPrecision KvPrecision,
    int PrefillChunk,
    MemoryHeadroom Headroom,
    IReadOnlyList<ModelRecommendation> RecommendedModels)
{
    /// <summary>Threads to use on a CPU with that many physical cores.</summary>
    public int ThreadsFor(int physicalCoreCount) => ThreadCount > 0 ? ThreadCount : Math.Max(1, physicalCoreCount);

    /// <summary>The largest recommended model clearly smaller (by a fifth or more) than a model of
    /// <paramref name="parameterCount"/> parameters that a machine with that much RAM takes, or null:
    /// what to suggest when a model does not fit.</summary>
    public ModelRecommendation? SmallerModelFor(long parameterCount, long totalMemoryBytes)
        => RecommendedModels
            .Where(model => model.ParameterCount < parameterCount * 0.8 && model.MinimumMemoryBytes <= totalMemoryBytes)
            .MaxBy(model => model.ParameterCount);
}
