using System.Globalization;
using System.Runtime.InteropServices;
using EdgeLLM.Format;

namespace EdgeLLM.Devices.Hardware;

/// <summary>
/// Reads the text of Linux /proc/cpuinfo (x86 and ARM layouts). Physical cores come from distinct
/// ("physical id", "core id") pairs on x86 and from the processor count on ARM; SIMD features are
/// those every processor reports.
/// </summary>
public static class CpuInfoParser
{
    public static CpuDescription Parse(string cpuInfoText)
    {
        ArgumentNullException.ThrowIfNull(cpuInfoText);
        List<Dictionary<string, string>> processors = SplitProcessors(cpuInfoText);
        if (processors.Count == 0)
        {
            throw new EdgeLlmException("/proc/cpuinfo: no 'processor' entries");
        }

        return processors[0].ContainsKey("flags") ? ParseX86(processors) : ParseArm(processors);
    }

    private static CpuDescription ParseX86(List<Dictionary<string, string>> processors)
    {
        string modelName = processors[0].GetValueOrDefault("model name", "unknown x86 processor");
        var cores = new HashSet<(string PhysicalId, string CoreId)>();
        foreach (Dictionary<string, string> processor in processors)
        {
            if (processor.TryGetValue("core id", out string? coreId))
            {
                cores.Add((processor.GetValueOrDefault("physical id", "0"), coreId));
            }
        }

        int physicalCoreCount = cores.Count > 0 ? cores.Count : processors.Count;
        bool is64Bit = processors[0]["flags"].Split(' ').Contains("lm");
        return new CpuDescription(
            is64Bit ? Architecture.X64 : Architecture.X86,
            modelName,
            physicalCoreCount,
            processors.Count,
            CommonFeatures(processors, "flags"));
    }

    private static CpuDescription ParseArm(List<Dictionary<string, string>> processors)
    {
        var coreNames = new List<string>();
        foreach (Dictionary<string, string> processor in processors)
        {
            if (processor.TryGetValue("CPU part", out string? part) && processor.TryGetValue("CPU implementer", out string? implementer))
            {
                string name = ArmCoreNames.Describe(ParseHex(implementer), ParseHex(part));
                if (!coreNames.Contains(name))
                {
                    coreNames.Add(name);
                }
            }
        }

        string modelName = coreNames.Count > 0
            ? "ARM " + string.Join(" + ", coreNames)
            : processors[0].GetValueOrDefault("model name", "unknown ARM processor");
        string architectureField = processors[0].GetValueOrDefault("CPU architecture", "8");
        Architecture architecture = architectureField.StartsWith('7') ? Architecture.Arm : Architecture.Arm64;
        return new CpuDescription(architecture, modelName, processors.Count, processors.Count, CommonFeatures(processors, "Features"));
    }

    private static SimdFeatures CommonFeatures(List<Dictionary<string, string>> processors, string key)
    {
        SimdFeatures common = (SimdFeatures)~0;
        bool any = false;
        foreach (Dictionary<string, string> processor in processors)
        {
            if (processor.TryGetValue(key, out string? flags))
            {
                common &= SimdFeatureNames.FromKernelFlags(flags);
                any = true;
            }
        }

        return any ? common : SimdFeatures.None;
    }

    /// <summary>One dictionary per "processor" block; lines before the first block or after the last (ARM's Hardware/Model trailer) are ignored.</summary>
    private static List<Dictionary<string, string>> SplitProcessors(string text)
    {
        var processors = new List<Dictionary<string, string>>();
        Dictionary<string, string>? current = null;
        foreach (string line in text.Split('\n'))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                continue;
            }

            string key = line[..colon].Trim();
            string value = line[(colon + 1)..].Trim();
            if (key == "processor")
            {
                current = new Dictionary<string, string>(StringComparer.Ordinal);
                processors.Add(current);
            }
            else if (current is not null && !current.ContainsKey(key))
            {
                current[key] = value;
            }
        }

        return processors;
    }

    private static int ParseHex(string value)
    {
        string digits = value.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? value[2..] : value;
        return int.TryParse(digits, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int parsed)
            ? parsed
            : throw new EdgeLlmException($"/proc/cpuinfo: '{value}' is not a hexadecimal CPU id");
    }
}
