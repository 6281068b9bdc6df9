using System.Globalization;
using System.Text.Json;

namespace EdgeLLM.SideBySide;

/// <summary>One run of one engine in its own process: what it measured, as one JSON line.</summary>
/// <param name="Engine">"edgellm", "llama.cpp" or "ort-genai".</param>
/// <param name="Build">Which build produced it (e.g. "LLamaSharp 0.30.0 bundled llama.cpp 815a2a5, avx512").</param>
internal sealed record EngineMeasurement(
    string Engine,
    string Build,
    double PromptTokensPerSecond,
    double DecodeTokensPerSecond,
    double TimeToFirstTokenMs,
    double LoadMs,
    long PeakResidentBytes)
{
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("engine", Engine);
            writer.WriteString("build", Build);
            writer.WriteNumber("prompt_tokens_per_s", PromptTokensPerSecond);
            writer.WriteNumber("decode_tokens_per_s", DecodeTokensPerSecond);
            writer.WriteNumber("time_to_first_token_ms", TimeToFirstTokenMs);
            writer.WriteNumber("load_ms", LoadMs);
            writer.WriteNumber("peak_rss_bytes", PeakResidentBytes);
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static EngineMeasurement FromJson(JsonElement element) => new(
        element.GetProperty("engine").GetString()!,
        element.GetProperty("build").GetString()!,
        element.GetProperty("prompt_tokens_per_s").GetDouble(),
        element.GetProperty("decode_tokens_per_s").GetDouble(),
        element.GetProperty("time_to_first_token_ms").GetDouble(),
        element.GetProperty("load_ms").GetDouble(),
        element.GetProperty("peak_rss_bytes").GetInt64());

    /// <summary>The median repetition of an <c>edgellm bench --json</c> record.</summary>
    public static EngineMeasurement FromEdgeLlmBench(JsonElement record)
    {
        JsonElement summary = record.GetProperty("summary");
        double Median(string name) => summary.GetProperty(name).GetProperty("median").GetDouble();
        return new EngineMeasurement(
            "edgellm",
            "EdgeLLM " + record.GetProperty("model").GetProperty("precision").GetString() + " (" + record.GetProperty("decoder_engine").GetString() + ")",
            Median("prompt_tokens_per_s"),
            Median("decode_tokens_per_s"),
            Median("time_to_first_token_ms"),
            Median("load_ms"),
            (long)Median("peak_rss_bytes"));
    }

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Engine,-10} pp {PromptTokensPerSecond,8:F2} t/s  tg {DecodeTokensPerSecond,7:F2} t/s  ttft {TimeToFirstTokenMs,8:F1} ms  load {LoadMs,8:F1} ms  rss {PeakResidentBytes / 1048576.0,8:F1} MiB  [{Build}]");
}
