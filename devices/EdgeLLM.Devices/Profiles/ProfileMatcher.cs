using EdgeLLM.Devices.Hardware;
using EdgeLLM.Format;

namespace EdgeLLM.Devices.Profiles;

/// <summary>
/// Maps a detected machine to a profile: among the profiles whose criteria all hold, the highest
/// priority wins (ties go to the profile with more criteria, then by name). --device-profile overrides.
/// </summary>
public static class ProfileMatcher
{
    /// <summary>The override when given, else the best match; throws when nothing matches.</summary>
    public static ProfileChoice Choose(HardwareDescription hardware, DeviceProfileCatalog catalog, string? profileOverride)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        if (profileOverride is not null)
        {
            return new ProfileChoice(catalog.Find(profileOverride), "chosen by name");
        }

        return TryMatch(hardware, catalog) ?? throw new EdgeLlmException(
            $"no device profile matches this machine ({ArchitectureNames.ToName(hardware.Cpu.Architecture)}, {hardware.Cpu.ModelName}): choose a device profile, one of {string.Join(", ", catalog.Profiles.Select(profile => profile.Name))}");
    }

    /// <summary>The best-matching profile, or null when none applies.</summary>
    public static ProfileChoice? TryMatch(HardwareDescription hardware, DeviceProfileCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(hardware);
        ArgumentNullException.ThrowIfNull(catalog);
        return catalog.Profiles
            .Select(profile => (Profile: profile, Reasons: profile.Match.Explain(hardware)))
            .Where(candidate => candidate.Reasons is not null)
            .OrderByDescending(candidate => candidate.Profile.Priority)
            .ThenByDescending(candidate => candidate.Reasons!.Count)
            .ThenBy(candidate => candidate.Profile.Name, StringComparer.Ordinal)
            .Select(candidate => new ProfileChoice(candidate.Profile, "matched: " + string.Join("; ", candidate.Reasons!)))
            .FirstOrDefault();
    }
}
