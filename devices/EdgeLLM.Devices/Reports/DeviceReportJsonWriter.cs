using System.Text.Encodings.Web;
using System.Text.Json;
using EdgeLLM.Devices.Hardware;
using EdgeLLM.Devices.Planning;
using EdgeLLM.Devices.Profiles;
using EdgeLLM.Devices.Providers;
using EdgeLLM.Format.Providers;

namespace EdgeLLM.Devices.Reports;

/// <summary>Writes a <see cref="DeviceReport"/> as JSON (Utf8JsonWriter; field names in snake_case).</summary>
public static class DeviceReportJsonWriter
{
    public static void Write(DeviceReport report, Stream output)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        writer.WriteStartObject();
        WriteHardware(writer, report.Hardware);
        if (report.Profile is { } profile)
        {
            WriteProfile(writer, profile, report.Hardware.Cpu.PhysicalCoreCount);
        }
        else
        {
            writer.WriteNull("profile");
            writer.WriteString("profile_error", report.ProfileError);
        }

        WriteStrings(writer, "onnxruntime_providers", report.OrtProviders);
        if (report.ExecutionProvider is { } provider)
        {
            writer.WriteStartObject("execution_provider");
            writer.WriteString("name", ExecutionProviderNames.ShortName(provider.Provider));
            writer.WriteString("ort_name", provider.OrtName);
            writer.WriteNumber("device_id", provider.DeviceId);
            writer.WriteString("reason", provider.Reason);
            writer.WriteString("warning", provider.Warning);
            writer.WriteEndObject();
        }

        WriteStrings(writer, "models_searched", report.ModelSearchPaths);
        writer.WriteStartArray("models");
        foreach (ModelFit model in report.Models)
        {
            WriteModel(writer, model);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteHardware(Utf8JsonWriter writer, HardwareDescription hardware)
    {
        writer.WriteStartObject("hardware");
        writer.WriteString("operating_system", hardware.OperatingSystem);
        writer.WriteString("architecture", ArchitectureNames.ToName(hardware.Cpu.Architecture));
        writer.WriteStartObject("cpu");
        writer.WriteString("model", hardware.Cpu.ModelName);
        writer.WriteNumber("physical_cores", hardware.Cpu.PhysicalCoreCount);
        writer.WriteNumber("logical_cores", hardware.Cpu.LogicalCoreCount);
        writer.WriteStartObject("simd");
        foreach (string name in SimdFeatureNames.All)
        {
            SimdFeatureNames.TryParse(name, out SimdFeatures feature);
            writer.WriteBoolean(name, hardware.Cpu.Features.HasFlag(feature));
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteStartObject("memory");
        writer.WriteNumber("total_bytes", hardware.Memory.TotalBytes);
        writer.WriteNumber("available_bytes", hardware.Memory.AvailableBytes);
        writer.WriteNumber("swap_total_bytes", hardware.Memory.SwapTotalBytes);
        writer.WriteNumber("swap_free_bytes", hardware.Memory.SwapFreeBytes);
        writer.WriteEndObject();
        if (hardware.Board is { } board)
        {
            writer.WriteStartObject("board");
            writer.WriteString("model", board.Name);
            if (board.RaspberryPiGeneration is { } generation)
            {
                writer.WriteNumber("raspberry_pi", generation);
            }
            else
            {
                writer.WriteNull("raspberry_pi");
            }

            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull("board");
        }

        writer.WriteStartArray("gpus");
        foreach (GpuAdapter gpu in hardware.Gpus)
        {
            writer.WriteStartObject();
            writer.WriteString("api", gpu.Api == GpuApi.Cuda ? "cuda" : "directml");
            writer.WriteNumber("index", gpu.Index);
            writer.WriteString("name", gpu.Name);
            writer.WriteNumber("dedicated_memory_bytes", gpu.DedicatedMemoryBytes);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteProfile(Utf8JsonWriter writer, ProfileChoice choice, int physicalCoreCount)
    {
        DeviceProfile profile = choice.Profile;
        writer.WriteStartObject("profile");
        writer.WriteString("name", profile.Name);
        writer.WriteString("reason", choice.Reason);
        writer.WriteString("description", profile.Description);
        WriteStrings(writer, "execution_providers", [.. profile.ExecutionProviders.Select(ExecutionProviderNames.ShortName)]);
        writer.WriteNumber("threads", profile.ThreadCount);
        writer.WriteNumber("intra_op_threads", profile.ThreadsFor(physicalCoreCount));
        writer.WriteNumber("default_context", profile.DefaultContext);
        writer.WriteNumber("max_context", profile.MaximumContext);
        writer.WriteString("kv_precision", profile.KvPrecision == KvPrecision.Fp16 ? "fp16" : "fp32");
        writer.WriteNumber("prefill_chunk", profile.PrefillChunk);
        writer.WriteStartArray("recommended_models");
        foreach (ModelRecommendation model in profile.RecommendedModels)
        {
            writer.WriteStringValue(model.Label);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteModel(Utf8JsonWriter writer, ModelFit model)
    {
        writer.WriteStartObject();
        writer.WriteString("folder", model.Folder);
        if (model.Plan is not { } plan)
        {
            writer.WriteString("error", model.Error);
            writer.WriteEndObject();
            return;
        }

        writer.WriteString("name", plan.Model.Name);
        writer.WriteBoolean("fits", plan.Fits);
        writer.WriteNumber("context", plan.Context);
        writer.WriteNumber("model_max_context", plan.Model.MaxContext);
        writer.WriteNumber("required_bytes", plan.Estimate.TotalBytes);
        writer.WriteNumber("usable_bytes", plan.Budget.UsableBytes);
        writer.WriteString("budget", plan.Budget.Kind);
        WriteEstimate(writer, "estimate", plan.Estimate);
        writer.WriteString("refusal", plan.Refusal);
        writer.WriteString("note", plan.Note);
        writer.WriteEndObject();
    }

    /// <summary>A memory estimate as an object <paramref name="name"/>: context and bytes by part (also used by <c>generate --json</c>).</summary>
    public static void WriteEstimate(Utf8JsonWriter writer, string name, MemoryEstimate estimate)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(estimate);
        writer.WriteStartObject(name);
        writer.WriteNumber("context", estimate.Context);
        writer.WriteNumber("mapped_weight_bytes", estimate.MappedWeightBytes);
        writer.WriteNumber("packed_weight_bytes", estimate.PackedWeightBytes);
        writer.WriteNumber("kv_cache_bytes", estimate.KvCacheBytes);
        writer.WriteNumber("activation_bytes", estimate.ActivationBytes);
        writer.WriteNumber("runtime_bytes", estimate.RuntimeBytes);
        writer.WriteNumber("total_bytes", estimate.TotalBytes);
        writer.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter writer, string name, IEnumerable<string> values)
    {
        writer.WriteStartArray(name);
        foreach (string value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }
}
