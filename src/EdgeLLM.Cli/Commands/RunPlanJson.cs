using System.Text.Json;
using EdgeLLM.Devices.Planning;
using EdgeLLM.Devices.Reports;
using EdgeLLM.Format.Providers;
using EdgeLLM.Runtime.Engines;
using EdgeLLM.Runtime.Model;

namespace EdgeLLM.Cli.Commands;

/// <summary>The <c>plan</c> object of <c>generate --json</c> (and <c>bench</c>): what the planner chose and what it expected the run to cost.</summary>
public static class RunPlanJson
{
    public static void Write(Utf8JsonWriter writer, RunPlan plan, IDecoderEngine session)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(session);
        writer.WriteStartObject("plan");
        writer.WriteString("device_profile", plan.Profile.Profile.Name);
        writer.WriteString("execution_provider", session.ExecutionProvider switch
        {
            ExecutionProvider.DirectML => "dml",
            ExecutionProvider.Cuda => "cuda",
            _ => "cpu",
        });
        writer.WriteString("planned_execution_provider", plan.ExecutionProvider.OrtName);
        writer.WriteNumber("device_id", plan.ExecutionProvider.DeviceId);
        writer.WriteString("engine", session.Name);
        writer.WriteString("engine_description", session.Description);
        if (session.KernelIsa is { } isa)
        {
            writer.WriteString("kernel_isa", isa);
        }
        else
        {
            writer.WriteNull("kernel_isa");
        }

        writer.WriteNumber("threads", session.Threads);
        writer.WriteNumber("context", session.ContextLength);
        writer.WriteNumber("prefill_chunk", session.PrefillChunk);
        writer.WriteNumber("kv_cache_bytes", session.KvCacheBytes);
        writer.WriteNumber("usable_bytes", plan.Memory.Budget.UsableBytes);
        DeviceReportJsonWriter.WriteEstimate(writer, "estimate", plan.Memory.Estimate);
        writer.WriteEndObject();
    }
}
