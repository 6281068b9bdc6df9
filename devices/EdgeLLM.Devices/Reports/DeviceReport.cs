using EdgeLLM.Devices.Hardware;
using EdgeLLM.Devices.Planning;
using EdgeLLM.Devices.Profiles;
using EdgeLLM.Devices.Providers;
using EdgeLLM.Format.Platform;
using EdgeLLM.Format.Providers;
using EdgeLLM.Format;

namespace EdgeLLM.Devices.Reports;

/// <summary>
/// What <c>edgellm devices</c> shows: the detected hardware, the profile and why, ONNX Runtime's
/// providers and the one EdgeLLM would use, and for each model found whether it fits and at what
/// context.
/// </summary>
public sealed record DeviceReport(
    HardwareDescription Hardware,
    ProfileChoice? Profile,
    string? ProfileError,
    IReadOnlyList<string> OrtProviders,
    ExecutionProviderChoice? ExecutionProvider,
    IReadOnlyList<string> ModelSearchPaths,
    IReadOnlyList<ModelFit> Models)
{
    /// <param name="hardware">The detected machine.</param>
    /// <param name="catalog">Known profiles.</param>
    /// <param name="profileOverride">--device-profile, or null to match.</param>
    /// <param name="ortProviders">OrtEnv.GetAvailableProviders().</param>
    /// <param name="modelSearchPaths">Folders to look for models in.</param>
    public static DeviceReport Create(HardwareDescription hardware, DeviceProfileCatalog catalog, string? profileOverride, IReadOnlyList<string> ortProviders, IReadOnlyList<string> modelSearchPaths)
    {
        ArgumentNullException.ThrowIfNull(hardware);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(ortProviders);
        ArgumentNullException.ThrowIfNull(modelSearchPaths);

        // An unknown --device-profile is the user's mistake: let it fail the verb. No match is a finding.
        ProfileChoice? profile = profileOverride is null
            ? ProfileMatcher.TryMatch(hardware, catalog)
            : ProfileMatcher.Choose(hardware, catalog, profileOverride);
        if (profile is null)
        {
            string error = $"no device profile matches this machine: choose a device profile, one of {string.Join(", ", catalog.Profiles.Select(candidate => candidate.Name))}";
            return new DeviceReport(hardware, null, error, ortProviders, null, modelSearchPaths, []);
        }

        ExecutionProviderChoice provider = ExecutionProviderChoice.Choose("auto", profile.Profile, ortProviders, hardware);
        List<ModelFit> models = [.. ModelFolders.Find(modelSearchPaths).Select(folder => Fit(folder, hardware, profile.Profile, provider))];
        return new DeviceReport(hardware, profile, null, ortProviders, provider, modelSearchPaths, models);
    }

    private static ModelFit Fit(string folder, HardwareDescription hardware, DeviceProfile profile, ExecutionProviderChoice provider)
    {
        ModelFootprint footprint;
        try
        {
            footprint = ModelFootprint.Read(folder);
        }
        catch (Exception exception) when (exception is IOException or EdgeLlmException or UnauthorizedAccessException)
        {
            return new ModelFit(folder, null, exception.Message);
        }

        (MemoryBudget budget, WeightPlacement placement) = MemoryBudget.For(hardware, profile, provider);
        return new ModelFit(folder, MemoryPlanner.Plan(footprint, profile, budget, placement, requestedContext: null), null);
    }
}
