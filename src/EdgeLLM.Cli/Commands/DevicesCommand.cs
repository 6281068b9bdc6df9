using System.CommandLine;
using EdgeLLM.Devices;
using EdgeLLM.Devices.Hardware;
using EdgeLLM.Devices.Planning;
using EdgeLLM.Devices.Profiles;
using EdgeLLM.Devices.Providers;
using EdgeLLM.Devices.Reports;
using EdgeLLM.Format.Platform;
using EdgeLLM.Format.Providers;
using EdgeLLM.Runtime.Engines.Onnx;

namespace EdgeLLM.Cli.Commands;

/// <summary>
/// <c>edgellm devices [--json] [--device-profile name] [--models-dir dir]</c>: the detected hardware,
/// the profile and why, ONNX Runtime's providers, and whether each model found fits and at what context.
/// </summary>
public static class DevicesCommand
{
    public static Command Create()
    {
        var command = new Command("devices", "Show this machine's hardware, device profile, execution providers and which models fit.");
        var json = new Option<bool>("--json") { Description = "Write the report as JSON." };
        var profile = new Option<string?>("--device-profile") { Description = "Use this device profile instead of the matched one." };
        var modelsDirectory = new Option<string?>("--models-dir") { Description = "Also look for models in this folder." };
        command.Options.Add(json);
        command.Options.Add(profile);
        command.Options.Add(modelsDirectory);
        command.SetAction(parse => CommandErrors.Run("devices", () =>
        {
            DeviceReport report = DeviceReport.Create(
                HardwareProbe.Detect(),
                DeviceProfileCatalog.LoadBuiltIn(),
                parse.GetValue(profile),
                OnnxRuntimeProviders.Available(),
                ModelFolders.SearchPaths(parse.GetValue(modelsDirectory)));
            if (parse.GetValue(json))
            {
                // Through Console.Out (not the raw stdout stream), so a caller that redirects Console sees it.
                using var buffer = new MemoryStream();
                DeviceReportJsonWriter.Write(report, buffer);
                Console.Out.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
            }
            else
            {
                WriteText(report, Console.Out);
            }

            return 0;
        }));
        return command;
    }

    private static void WriteText(DeviceReport report, TextWriter output)
    {
        HardwareDescription hardware = report.Hardware;
        CpuDescription cpu = hardware.Cpu;
        output.WriteLine($"machine      {hardware.OperatingSystem} {ArchitectureNames.ToName(cpu.Architecture)}{(hardware.Board is { } board ? $", {board.Name}" : string.Empty)}");
        output.WriteLine($"cpu          {cpu.ModelName}: {cpu.PhysicalCoreCount} cores, {cpu.LogicalCoreCount} threads");
        output.WriteLine($"simd         {(cpu.Features == SimdFeatures.None ? "none that ONNX Runtime's fast kernels use" : string.Join(' ', SimdFeatureNames.ToNames(cpu.Features)))}");
        string swap = hardware.Memory.SwapTotalBytes == 0
            ? "no swap"
            : $"swap {ByteSize.Format(hardware.Memory.SwapFreeBytes)} free of {ByteSize.Format(hardware.Memory.SwapTotalBytes)} (not counted)";
        output.WriteLine($"memory       {ByteSize.Format(hardware.Memory.AvailableBytes)} available of {ByteSize.Format(hardware.Memory.TotalBytes)}; {swap}");
        foreach (GpuAdapter gpu in hardware.Gpus)
        {
            output.WriteLine($"gpu          {gpu.Api} #{gpu.Index}: {gpu.Name}, {ByteSize.Format(gpu.DedicatedMemoryBytes)}");
        }

        if (hardware.Gpus.Count == 0)
        {
            output.WriteLine("gpu          none found (DirectML adapters on Windows, CUDA devices where the driver loads)");
        }

        output.WriteLine($"onnxruntime  {string.Join(", ", report.OrtProviders)}");
        if (report.Profile is not { } choice)
        {
            output.WriteLine($"profile      {report.ProfileError}");
            return;
        }

        DeviceProfile profile = choice.Profile;
        output.WriteLine($"profile      {profile.Name} ({choice.Reason})");
        output.WriteLine($"             {profile.Description}");
        output.WriteLine($"             threads {profile.ThreadsFor(cpu.PhysicalCoreCount)}, context {profile.DefaultContext} (up to {profile.MaximumContext}), KV {(profile.KvPrecision == KvPrecision.Fp16 ? "fp16" : "fp32")}, prompt chunk {profile.PrefillChunk}");
        output.WriteLine($"             recommends {string.Join("; ", profile.RecommendedModels.Select(model => $"{model.Label} with {ByteSize.Format(model.MinimumMemoryBytes)}+"))}");
        if (report.ExecutionProvider is { } provider)
        {
            output.WriteLine($"provider     {ExecutionProviderNames.ShortName(provider.Provider)} ({provider.Reason})");
            if (provider.Warning is not null)
            {
                output.WriteLine($"             {provider.Warning}");
            }
        }

        output.WriteLine($"models       searched {string.Join(", ", report.ModelSearchPaths)}");
        if (report.Models.Count == 0)
        {
            output.WriteLine("             none found (a model folder holds edgellm.json; convert one with 'edgellm quantize')");
        }

        foreach (ModelFit model in report.Models)
        {
            output.WriteLine($"             {Describe(model)}");
        }
    }

    private static string Describe(ModelFit model)
    {
        if (model.Plan is not { } plan)
        {
            return $"{Path.GetFileName(model.Folder)}: unreadable: {model.Error}";
        }

        MemoryEstimate estimate = plan.Estimate;
        return plan.Fits
            ? $"{plan.Model.Name}: fits at context {plan.Context} of {plan.Model.MaxContext}, needs {ByteSize.Format(estimate.TotalBytes)} of {ByteSize.Format(plan.Budget.UsableBytes)} usable{(plan.Note is null ? string.Empty : $" ({plan.Note})")}"
            : $"{plan.Model.Name}: does not fit: {plan.Refusal}";
    }
}
