using System.Text.Json;
using EdgeLLM.Runtime.Benchmarking;

namespace EdgeLLM.Runtime.Tests.Benchmarking;

public sealed class BenchmarkJsonWriterTests
{
    private static readonly BenchmarkMachine Machine = new("linux", "x64", "AMD EPYC 9R14", 2, 2, ["avx", "avx2", "avx512_vnni"], 24L << 30, 41.25);

    [Fact]
    public void RecordCarriesMachineSettingsRepetitionsAndSummaries()
    {
        var record = new BenchmarkRecord
        {
            ModelName = "r1-int4",
            Precision = "int4",
            ModelBytes = 2_023_956_480,
            Settings = new BenchmarkSettings { PromptTokens = 128, GeneratedTokens = 64, Threads = 2, Repetitions = 3 },
            Machine = Machine,
            Repetitions =
            [
                new BenchmarkRepetition(900, 100, 20, 1300, 1_000_000),
                new BenchmarkRepetition(1100, 110, 22, 1200, 3_000_000),
                new BenchmarkRepetition(1000, 120, 24, 1100, 2_000_000),
            ],
        };

        using JsonDocument document = JsonDocument.Parse(Write(record));
        JsonElement root = document.RootElement;

        JsonElement machine = root.GetProperty("machine");
        Assert.Equal("AMD EPYC 9R14", machine.GetProperty("cpu").GetString());
        Assert.Equal(["avx", "avx2", "avx512_vnni"], machine.GetProperty("simd").EnumerateArray().Select(item => item.GetString()));
        Assert.Equal(41.25, machine.GetProperty("read_bandwidth_gb_s").GetDouble());
        Assert.Equal("int4", root.GetProperty("model").GetProperty("precision").GetString());
        JsonElement settings = root.GetProperty("settings");
        Assert.Equal(194, settings.GetProperty("context").GetInt32());
        Assert.Equal(JsonValueKind.Null, settings.GetProperty("cold_method").ValueKind);
        Assert.Equal(3, root.GetProperty("repetitions").GetArrayLength());
        Assert.Equal(3_000_000, root.GetProperty("repetitions")[1].GetProperty("peak_rss_bytes").GetInt64());

        JsonElement decode = root.GetProperty("summary").GetProperty("decode_tokens_per_s");
        Assert.Equal(3, decode.GetProperty("count").GetInt32());
        Assert.Equal(22, decode.GetProperty("mean").GetDouble());
        Assert.Equal(2, decode.GetProperty("sd").GetDouble());
        Assert.Equal(22, decode.GetProperty("median").GetDouble());
        JsonElement load = root.GetProperty("summary").GetProperty("load_ms");
        Assert.Equal(1000, load.GetProperty("median").GetDouble());
        Assert.Equal(900, load.GetProperty("min").GetDouble());
        Assert.Equal(1100, load.GetProperty("max").GetDouble());
    }

    [Fact]
    public void ColdRecordNamesTheMethodAndUnmeasuredBandwidthIsNull()
    {
        var record = new BenchmarkRecord
        {
            ModelName = "m",
            Precision = "fp32",
            ModelBytes = 1,
            Settings = new BenchmarkSettings { Cold = true, ContextLength = 300 },
            ColdMethod = PageCache.Method,
            Machine = Machine with { ReadBandwidthGBps = null },
            Repetitions = [new BenchmarkRepetition(1, 2, 3, 4, 5)],
        };

        using JsonDocument document = JsonDocument.Parse(Write(record));

        Assert.Equal("posix_fadvise(POSIX_FADV_DONTNEED)", document.RootElement.GetProperty("settings").GetProperty("cold_method").GetString());
        Assert.Equal(300, document.RootElement.GetProperty("settings").GetProperty("context").GetInt32());
        Assert.Equal(JsonValueKind.Null, document.RootElement.GetProperty("machine").GetProperty("read_bandwidth_gb_s").ValueKind);
    }

    private static string Write(BenchmarkRecord record)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            BenchmarkJsonWriter.Write(writer, record);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
