using System.Runtime.InteropServices;
using System.Text.Json;
using EdgeLLM.Devices.Hardware;
using EdgeLLM.Devices.Providers;
using EdgeLLM.Format.Files;
using EdgeLLM.Format.Providers;
using EdgeLLM.Format;

namespace EdgeLLM.Devices.Profiles;

/// <summary>Reads and validates one device profile JSON document (format_version 1).</summary>
public static class DeviceProfileReader
{
    public const int FormatVersion = 1;

    /// <param name="json">The document.</param>
    /// <param name="source">File name for messages; its stem must equal the profile's name.</param>
    public static DeviceProfile Read(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(source);
        using (JsonDocument document = JsonFile.Parse(json, source))
        {
            return Read(JsonFields.Parse(document, source));
        }
    }

    private static DeviceProfile Read(JsonFields fields)
    {
        long formatVersion = fields.RequirePositiveInt64("format_version");
        if (formatVersion != FormatVersion)
        {
            throw new EdgeLlmException($"{fields.Source}: format_version {formatVersion} is not supported (expected {FormatVersion})");
        }

        string name = fields.RequireString("name");
        string expectedName = Path.GetFileNameWithoutExtension(fields.Source);
        if (!string.Equals(name, expectedName, StringComparison.Ordinal))
        {
            throw new EdgeLlmException($"{fields.Source}: 'name' is '{name}' but the file is named '{expectedName}.json'");
        }

        IReadOnlyList<ExecutionProvider> providers = ReadProviders(fields);
        int defaultContext = fields.RequirePositiveInt32("default_context");
        int maximumContext = fields.RequirePositiveInt32("max_context");
        if (defaultContext > maximumContext)
        {
            throw new EdgeLlmException($"{fields.Source}: 'default_context' {defaultContext} is larger than 'max_context' {maximumContext}");
        }

        long threads = fields.OptionalInt64("threads") ?? 0;
        if (threads is < 0 or > 1024)
        {
            throw fields.Invalid("threads", "0 (one per physical core) or a thread count");
        }

        return new DeviceProfile(
            name,
            fields.RequireString("description"),
            (int)(fields.OptionalInt64("priority") ?? 0),
            ReadCriteria(fields.OptionalObject("match") ?? throw fields.Missing("match", "an object of criteria")),
            providers,
            (int)threads,
            defaultContext,
            maximumContext,
            ReadKvPrecision(fields),
            fields.RequirePositiveInt32("prefill_chunk"),
            ReadHeadroom(fields.OptionalObject("memory_headroom") ?? throw fields.Missing("memory_headroom", "an object")),
            ReadRecommendations(fields));
    }

    private static IReadOnlyList<ExecutionProvider> ReadProviders(JsonFields fields)
    {
        var providers = new List<ExecutionProvider>();
        foreach (string name in fields.OptionalStringArray("execution_providers"))
        {
            if (!ExecutionProviderNames.TryParse(name, out ExecutionProvider provider) || providers.Contains(provider))
            {
                throw fields.Invalid("execution_providers", $"distinct names among cpu, dml, cuda (found '{name}')");
            }

            providers.Add(provider);
        }

        return providers.Contains(ExecutionProvider.Cpu)
            ? providers
            : throw fields.Invalid("execution_providers", "a list that includes \"cpu\" (the fallback)");
    }

    private static KvPrecision ReadKvPrecision(JsonFields fields) => fields.RequireString("kv_precision") switch
    {
        "fp32" => KvPrecision.Fp32,
        "fp16" => KvPrecision.Fp16,
        _ => throw fields.Invalid("kv_precision", "\"fp32\" or \"fp16\""),
    };

    private static ProfileCriteria ReadCriteria(JsonFields match)
    {
        Architecture? architecture = null;
        if (match.OptionalString("architecture") is { } architectureName)
        {
            architecture = ArchitectureNames.TryParse(architectureName, out Architecture parsed)
                ? parsed
                : throw match.Invalid("match.architecture", "x64, x86, arm64 or arm");
        }

        string? operatingSystem = match.OptionalString("operating_system");
        if (operatingSystem is not (null or "linux" or "windows" or "macos"))
        {
            throw match.Invalid("match.operating_system", "linux, windows or macos");
        }

        GpuApi? gpu = match.OptionalString("gpu") switch
        {
            null => null,
            "directml" => GpuApi.DirectML,
            "cuda" => GpuApi.Cuda,
            _ => throw match.Invalid("match.gpu", "\"directml\" or \"cuda\""),
        };

        long raspberryPi = match.OptionalPositiveInt64("raspberry_pi") ?? 0;
        var criteria = new ProfileCriteria(
            architecture,
            operatingSystem,
            raspberryPi > 0 ? (int)raspberryPi : null,
            ReadFeatures(match, "simd_required"),
            ReadFeatures(match, "simd_absent"),
            gpu,
            (match.OptionalPositiveInt64("gpu_min_memory_mb") ?? 0) * ByteSize.Megabyte);
        bool empty = criteria is { Architecture: null, OperatingSystem: null, RaspberryPiGeneration: null, Gpu: null, SimdRequired: SimdFeatures.None, SimdAbsent: SimdFeatures.None };
        return empty ? throw match.Invalid("match", "an object with at least one criterion") : criteria;
    }

    private static SimdFeatures ReadFeatures(JsonFields match, string name)
    {
        SimdFeatures features = SimdFeatures.None;
        foreach (string featureName in match.OptionalStringArray(name))
        {
            features |= SimdFeatureNames.TryParse(featureName, out SimdFeatures feature)
                ? feature
                : throw match.Invalid($"match.{name}", $"feature names among {string.Join(", ", SimdFeatureNames.All)} (found '{featureName}')");
        }

        return features;
    }

    private static MemoryHeadroom ReadHeadroom(JsonFields headroom)
    {
        double fraction = headroom.OptionalDouble("fraction") ?? 0;
        if (fraction is < 0 or > 0.9)
        {
            throw headroom.Invalid("memory_headroom.fraction", "between 0 and 0.9");
        }

        return new MemoryHeadroom(fraction, (headroom.OptionalInt64("minimum_mb") ?? 0) * ByteSize.Megabyte);
    }

    private static IReadOnlyList<ModelRecommendation> ReadRecommendations(JsonFields fields)
    {
        var recommendations = new List<ModelRecommendation>();
        foreach (JsonFields entry in fields.OptionalObjectArray("recommended_models"))
        {
            double minimumGigabytes = entry.OptionalDouble("min_memory_gb") ?? throw entry.Missing("recommended_models[].min_memory_gb", "a number");
            double billions = entry.OptionalDouble("parameters_b") is { } value and > 0 ? value : throw entry.Missing("recommended_models[].parameters_b", "a positive number of billions");
            recommendations.Add(new ModelRecommendation(
                entry.RequireString("model"),
                entry.RequireString("precision"),
                (long)(billions * 1e9),
                (long)(minimumGigabytes * ByteSize.Gigabyte)));
        }

        return recommendations.Count > 0 ? recommendations : throw fields.Missing("recommended_models", "at least one model");
    }
}
