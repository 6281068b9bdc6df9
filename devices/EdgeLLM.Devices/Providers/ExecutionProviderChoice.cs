using EdgeLLM.Devices.Hardware;
using EdgeLLM.Devices.Profiles;
using EdgeLLM.Format.Providers;
using EdgeLLM.Format;

namespace EdgeLLM.Devices.Providers;

/// <summary>
/// The execution provider a session will use, the device id to hand it (DXGI adapter index or
/// CUDA ordinal), why, and the one-line warning when a requested provider was unavailable and
/// EdgeLLM fell back to CPU. This library never references ONNX Runtime: the caller passes the
/// names OrtEnv.GetAvailableProviders() returned; the runtime appends <see cref="Provider"/> with
/// <see cref="DeviceId"/> to its SessionOptions. On <c>--ep auto</c> an unavailable provider is skipped;
/// one asked for by name that is unavailable is refused (EdgeLlmException, one line).
/// </summary>
public sealed record ExecutionProviderChoice(ExecutionProvider Provider, int DeviceId, string Reason, string? Warning)
{
    /// <summary>What <c>--ep</c> accepts.</summary>
    public const string Values = "auto, cpu, dml or cuda";

    public string OrtName => ExecutionProviderNames.OrtName(Provider);

    /// <param name="requested">"auto" (the profile's order) or a provider's short name.</param>
    /// <param name="profile">The chosen device profile.</param>
    /// <param name="availableOrtProviders">ONNX Runtime's available providers ("CPUExecutionProvider", ...).</param>
    /// <param name="hardware">Detected GPUs (a GPU provider needs a device as well as a build that has it).</param>
    public static ExecutionProviderChoice Choose(string requested, DeviceProfile profile, IReadOnlyCollection<string> availableOrtProviders, HardwareDescription hardware)
    {
        ArgumentNullException.ThrowIfNull(requested);
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(availableOrtProviders);
        ArgumentNullException.ThrowIfNull(hardware);
        if (string.Equals(requested, "auto", StringComparison.OrdinalIgnoreCase))
        {
            var skipped = new List<string>();
            foreach (ExecutionProvider candidate in profile.ExecutionProviders)
            {
                string? unavailable = WhyUnavailable(candidate, availableOrtProviders, hardware, out int deviceId);
                if (unavailable is null)
                {
                    string order = string.Join(", ", profile.ExecutionProviders.Select(ExecutionProviderNames.ShortName));
                    string skippedNote = skipped.Count > 0 ? $"; skipped {string.Join("; ", skipped)}" : string.Empty;
                    return new ExecutionProviderChoice(candidate, deviceId, $"first available in profile {profile.Name}'s order ({order}){skippedNote}", null);
                }

                skipped.Add($"{ExecutionProviderNames.ShortName(candidate)}: {unavailable}");
            }

            return CpuFallback("auto", $"none of profile {profile.Name}'s providers is available ({string.Join("; ", skipped)})");
        }

        if (!ExecutionProviderNames.TryParse(requested, out ExecutionProvider provider))
        {
            throw new EdgeLlmException($"unknown execution provider '{requested}': use {Values}");
        }

        // Asked for by name: not having it is a refusal, not a silent change of provider.
        string? reason = WhyUnavailable(provider, availableOrtProviders, hardware, out int device);
        return reason is null
            ? new ExecutionProviderChoice(provider, device, $"requested by name ({ExecutionProviderNames.ShortName(provider)})", null)
            : throw new EdgeLlmException($"execution provider {ExecutionProviderNames.ShortName(provider)} is not available: {reason} (choose auto or cpu)");
    }

    private static ExecutionProviderChoice CpuFallback(string requested, string reason)
        => new(ExecutionProvider.Cpu, 0, "CPU fallback", $"execution provider {requested}: {reason}; using CPU");

    /// <summary>Null when the provider can run here; otherwise why not.</summary>
    private static string? WhyUnavailable(ExecutionProvider provider, IReadOnlyCollection<string> availableOrtProviders, HardwareDescription hardware, out int deviceId)
    {
        deviceId = 0;
        if (provider == ExecutionProvider.Cpu)
        {
            return null;
        }

        string ortName = ExecutionProviderNames.OrtName(provider);
        if (!availableOrtProviders.Contains(ortName, StringComparer.Ordinal))
        {
            return $"this ONNX Runtime build has no {ortName} (available: {string.Join(", ", availableOrtProviders)})";
        }

        GpuApi api = provider == ExecutionProvider.DirectML ? GpuApi.DirectML : GpuApi.Cuda;
        GpuAdapter? gpu = ProfileCriteria.BestGpu(hardware, api);
        if (gpu is null)
        {
            return provider == ExecutionProvider.DirectML
                ? "no DirectX 12 hardware adapter found"
                : "no CUDA device found (the CUDA driver did not load or reports no devices)";
        }

        deviceId = gpu.Index;
        return null;
    }
}
