using EdgeLLM.Format;

namespace EdgeLLM.Devices.Profiles;

/// <summary>
/// The known device profiles: the built-in set (devices/profiles/*.json embedded in this assembly)
/// or the *.json files of a folder.
/// </summary>
public sealed class DeviceProfileCatalog
{
    private const string ResourcePrefix = "EdgeLLM.Devices.Profiles.";

    private DeviceProfileCatalog(IReadOnlyList<DeviceProfile> profiles)
    {
        var duplicate = profiles.GroupBy(profile => profile.Name, StringComparer.Ordinal).FirstOrDefault(group => group.Count() > 1);
        if (duplicate is not null)
        {
            throw new EdgeLlmException($"device profile '{duplicate.Key}' is defined twice");
        }

        Profiles = [.. profiles.OrderBy(profile => profile.Name, StringComparer.Ordinal)];
    }

    public IReadOnlyList<DeviceProfile> Profiles { get; }

    /// <summary>The profiles compiled into EdgeLLM.</summary>
    public static DeviceProfileCatalog LoadBuiltIn()
    {
        var assembly = typeof(DeviceProfileCatalog).Assembly;
        var profiles = new List<DeviceProfile>();
        foreach (string resource in assembly.GetManifestResourceNames().Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using Stream stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            profiles.Add(DeviceProfileReader.Read(reader.ReadToEnd(), resource[ResourcePrefix.Length..]));
        }

        return profiles.Count > 0 ? new DeviceProfileCatalog(profiles) : throw new EdgeLlmException("no built-in device profiles: the build did not embed devices/profiles/*.json");
    }

    /// <summary>Every *.json in <paramref name="directory"/>.</summary>
    public static DeviceProfileCatalog Load(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"device profile folder not found: {directory}");
        }

        List<DeviceProfile> profiles = [.. Directory.EnumerateFiles(directory, "*.json")
            .Select(path => DeviceProfileReader.Read(File.ReadAllText(path), Path.GetFileName(path)))];
        return profiles.Count > 0 ? new DeviceProfileCatalog(profiles) : throw new EdgeLlmException($"no device profiles (*.json) in {directory}");
    }

    /// <summary>The profile called <paramref name="name"/>; an ArgumentException naming the known ones otherwise.</summary>
    public DeviceProfile Find(string name)
        => Profiles.FirstOrDefault(profile => string.Equals(profile.Name, name, StringComparison.Ordinal))
            ?? throw new EdgeLlmException($"unknown device profile '{name}': known profiles are {string.Join(", ", Profiles.Select(profile => profile.Name))}");
}
