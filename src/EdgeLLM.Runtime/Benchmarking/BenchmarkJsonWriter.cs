using System.Text.Json;
using EdgeLLM.Runtime.Engines;

namespace EdgeLLM.Runtime.Benchmarking;

/// <summary>
/// The JSON record of a benchmark (Utf8JsonWriter, AOT-safe): machine, model, settings, every
/// repetition and, per metric, count / mean / sd / median / min / max.
/// </summary>
public static class BenchmarkJsonWriter
{
    public static void Write(Utf8JsonWriter writer, BenchmarkRecord record)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(record);
        writer.WriteStartObject();
        writer.WriteString("engine", "edgellm");
        writer.WriteString("decoder_engine", record.Engine);
        if (record.KernelIsa is { } isa)
        {
            writer.WriteString("kernel_isa", isa);
        }
        else
        {
            writer.WriteNull("kernel_isa");
        }

        WriteMachine(writer, record.Machine);

        writer.WriteStartObject("model");
        writer.WriteString("name", record.ModelName);
        writer.WriteString("precision", record.Precision);
        writer.WriteNumber("bytes", record.ModelBytes);
        writer.WriteEndObject();

        BenchmarkSettings settings = record.Settings;
        writer.WriteStartObject("settings");
        writer.WriteNumber("prompt_tokens", settings.PromptTokens);
        writer.WriteNumber("gen_tokens", settings.GeneratedTokens);
        writer.WriteNumber("threads", settings.Threads);
        writer.WriteString("engine_choice", settings.Engine.Name());
        writer.WriteString("kv_cache", settings.KvCache switch { KvCachePrecision.Float32 => "fp32", KvCachePrecision.Float16 => "fp16", _ => "auto" });
        writer.WriteNumber("repetitions", settings.Repetitions);
        writer.WriteNumber("context", settings.ContextLength > 0 ? settings.ContextLength : settings.RequiredContext);
        writer.WriteNumber("prompt_seed", settings.PromptSeed);
        writer.WriteBoolean("cold", settings.Cold);
        if (record.ColdMethod is { } method)
        {
            writer.WriteString("cold_method", method);
        }
        else
        {
            writer.WriteNull("cold_method");
        }

        writer.WriteString("sampling", "greedy");
        writer.WriteEndObject();

        writer.WriteStartArray("repetitions");
        foreach (BenchmarkRepetition repetition in record.Repetitions)
        {
            writer.WriteStartObject();
            writer.WriteNumber("load_ms", Math.Round(repetition.LoadMs, 2));
            writer.WriteNumber("prompt_tokens_per_s", Math.Round(repetition.PromptTokensPerSecond, 3));
            writer.WriteNumber("decode_tokens_per_s", Math.Round(repetition.DecodeTokensPerSecond, 3));
            writer.WriteNumber("time_to_first_token_ms", Math.Round(repetition.TimeToFirstTokenMs, 2));
            writer.WriteNumber("peak_rss_bytes", repetition.PeakResidentBytes);
            writer.WriteNumber("rss_file_bytes", repetition.FileResidentBytes);
            writer.WriteNumber("rss_anon_bytes", repetition.AnonymousResidentBytes);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();

        writer.WriteStartObject("summary");
        WriteSummary(writer, "prompt_tokens_per_s", record.PromptTokensPerSecond);
        WriteSummary(writer, "decode_tokens_per_s", record.DecodeTokensPerSecond);
        WriteSummary(writer, "time_to_first_token_ms", record.TimeToFirstTokenMs);
        WriteSummary(writer, "load_ms", record.LoadMs);
        WriteSummary(writer, "peak_rss_bytes", record.PeakResidentBytes);
        WriteSummary(writer, "rss_file_bytes", record.FileResidentBytes);
        WriteSummary(writer, "rss_anon_bytes", record.AnonymousResidentBytes);
        writer.WriteEndObject();
        if (record.Kernels.Count > 0)
        {
            writer.WriteStartArray("kernels");
            foreach (var figure in record.Kernels)
            {
                writer.WriteStartObject();
                writer.WriteString("shape", figure.Shape.Name);
                writer.WriteNumber("outputs", figure.Shape.OutputCount);
                writer.WriteNumber("inputs", figure.Shape.InputCount);
                writer.WriteString("layout", figure.Layout.ToString());
                writer.WriteNumber("block_size", figure.BlockSize);
                writer.WriteNumber("threads", figure.ThreadCount);
                writer.WriteString("kernels", figure.Kernels);
                writer.WriteNumber("weight_bytes", figure.WeightBytes);
                writer.WriteNumber("microseconds_per_call", Math.Round(figure.SecondsPerCall * 1e6, 1));
                writer.WriteNumber("gb_per_s", Math.Round(figure.GigabytesPerSecond, 2));
                writer.WriteNumber("gb_per_cpu_s", Math.Round(figure.GigabytesPerCpuSecond, 2));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    private static void WriteMachine(Utf8JsonWriter writer, BenchmarkMachine machine)
    {
        writer.WriteStartObject("machine");
        writer.WriteString("os", machine.OperatingSystem);
        writer.WriteString("architecture", machine.Architecture);
        writer.WriteString("cpu", machine.CpuModel);
        writer.WriteNumber("physical_cores", machine.PhysicalCores);
        writer.WriteNumber("logical_cores", machine.LogicalCores);
        writer.WriteStartArray("simd");
        foreach (string feature in machine.SimdFeatures)
        {
            writer.WriteStringValue(feature);
        }

        writer.WriteEndArray();
        writer.WriteNumber("memory_bytes", machine.MemoryBytes);
        if (machine.ReadBandwidthGBps is { } bandwidth)
        {
            writer.WriteNumber("read_bandwidth_gb_s", Math.Round(bandwidth, 2));
        }
        else
        {
            writer.WriteNull("read_bandwidth_gb_s");
        }

        writer.WriteEndObject();
    }

    private static void WriteSummary(Utf8JsonWriter writer, string name, SampleSummary summary)
    {
        writer.WriteStartObject(name);
        writer.WriteNumber("count", summary.Count);
        writer.WriteNumber("mean", Math.Round(summary.Mean, 3));
        writer.WriteNumber("sd", Math.Round(summary.StandardDeviation, 3));
        writer.WriteNumber("median", Math.Round(summary.Median, 3));
        writer.WriteNumber("min", Math.Round(summary.Minimum, 3));
        writer.WriteNumber("max", Math.Round(summary.Maximum, 3));
        writer.WriteEndObject();
    }
}
