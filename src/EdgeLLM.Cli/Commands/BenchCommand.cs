using System.CommandLine;
using System.Globalization;
using EdgeLLM.Devices;
using EdgeLLM.Devices.Hardware;
using EdgeLLM.Runtime.Benchmarking;
using EdgeLLM.Runtime.Engines.Cpu.Kernels;

namespace EdgeLLM.Cli.Commands;

/// <summary>
/// <c>edgellm bench -m &lt;dir&gt;</c>: prompt-processing and decode speed, time to first token, load time
/// and peak RSS over repetitions, printed as mean ± sd like llama-bench or as one JSON record with the machine.
/// </summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var model = new ModelOption("EdgeLLM model folder (made by 'edgellm quantize'), or the name of one found in a kit's models/ or ~/.edgellm/models");
        var promptOption = new Option<int>("--prompt-tokens") { Description = "Prompt tokens, processed in one pass (seeded ids from the vocabulary, no special ids)", DefaultValueFactory = _ => 128 };
        var generatedOption = new Option<int>("--gen-tokens") { Description = "Greedy decode steps after the prompt", DefaultValueFactory = _ => 64 };
        var threadsOption = new Option<int>("--threads") { Description = "Compute threads, at most the logical cores (0 = the default, one per physical core)" };
        var repetitionsOption = new Option<int>("--repetitions", "-r") { Description = "Measured repetitions, each with its own model load", DefaultValueFactory = _ => 5 };
        var warmupOption = new Option<int>("--warmup") { Description = "Untimed warm-up runs first: full prompt, one decode step (not with --cold)", DefaultValueFactory = _ => 1 };
        var contextOption = new Option<int>("--context") { Description = "KV cache length (0 = prompt + generated tokens)" };
        var coldOption = new Option<bool>("--cold") { Description = "Drop the model files from the page cache (posix_fadvise DONTNEED, no root needed) before every load" };
        var bandwidthOption = new Option<bool>("--no-bandwidth") { Description = "Skip the memory read-bandwidth probe (1 GiB, after the repetitions)" };
        var jsonOption = new Option<bool>("--json") { Description = "Print one JSON record instead of the table" };
        var kernelsOption = new Option<bool>("--kernels") { Description = "Also measure the CPU engine's int4/int8 matrix-vector kernels on the 1.5B layer shapes (GB/s of weights, beside the read-bandwidth probe)" };
        var engine = new EngineOptions();
        var command = new Command("bench", "Measure prompt processing, decode speed, time to first token, load time and peak RSS of a model folder");
        model.AddTo(command);
        foreach (Option option in new Option[] { promptOption, generatedOption, threadsOption, repetitionsOption, warmupOption, contextOption, coldOption, bandwidthOption, jsonOption, kernelsOption })
        {
            command.Options.Add(option);
        }

        engine.AddTo(command);

        command.SetAction(parse => CommandErrors.Run("bench", () =>
        {
            var settings = new BenchmarkSettings
            {
                PromptTokens = parse.GetValue(promptOption),
                GeneratedTokens = parse.GetValue(generatedOption),
                Threads = ThreadLimit.Cap(parse.GetValue(threadsOption), "bench"),
                Repetitions = parse.GetValue(repetitionsOption),
                Warmups = parse.GetValue(warmupOption),
                ContextLength = parse.GetValue(contextOption),
                Cold = parse.GetValue(coldOption),
                Engine = engine.Engine(parse),
                KvCache = engine.KvCache(parse),
            };
            settings.Validate();
            bool json = parse.GetValue(jsonOption);
            HardwareDescription hardware = HardwareProbe.Detect();
            BenchmarkMachine machine = Describe(hardware, bandwidth: null);
            using var cancellation = new ConsoleCancellation();
            if (!json)
            {
                Console.Out.WriteLine($"{"load ms",10} {"pp t/s",10} {"tg t/s",10} {"ttft ms",10} {"peak RSS MiB",13}");
            }

            BenchmarkRecord record = BenchmarkRunner.Run(model.Resolve(parse), settings, machine, json ? null : PrintRepetition, cancellation.Token);
            int measuredThreads = settings.Threads > 0 ? settings.Threads : Math.Max(1, hardware.Cpu.PhysicalCoreCount);
            if (!parse.GetValue(bandwidthOption))
            {
                record = record with { Machine = Describe(hardware, MemoryBandwidthProbe.MeasureGBps(measuredThreads)) };
            }

            if (parse.GetValue(kernelsOption))
            {
                record = record with
                {
                    Kernels = KernelThroughput.Measure(
                        KernelSet.Detect(), KernelThroughputShape.Qwen15B, [WeightLayout.Int4Blocks, WeightLayout.Int8Blocks], [measuredThreads], 32, TimeSpan.FromSeconds(0.5)),
                };
            }

            if (json)
            {
                Console.Out.WriteLine(JsonText.Write(writer => BenchmarkJsonWriter.Write(writer, record), indented: true));
            }
            else
            {
                PrintSummary(record);
            }

            return 0;
        }));
        return command;
    }

    private static BenchmarkMachine Describe(HardwareDescription hardware, double? bandwidth) => new(
        hardware.OperatingSystem,
        ArchitectureNames.ToName(hardware.Cpu.Architecture),
        hardware.Cpu.ModelName,
        hardware.Cpu.PhysicalCoreCount,
        hardware.Cpu.LogicalCoreCount,
        SimdFeatureNames.ToNames(hardware.Cpu.Features),
        hardware.Memory.TotalBytes,
        bandwidth);

    private static void PrintRepetition(BenchmarkRepetition repetition)
        => Console.Out.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{repetition.LoadMs,10:F1} {repetition.PromptTokensPerSecond,10:F2} {repetition.DecodeTokensPerSecond,10:F2} {repetition.TimeToFirstTokenMs,10:F1} {repetition.PeakResidentBytes / 1048576.0,13:F1}"));

    private static void PrintSummary(BenchmarkRecord record)
    {
        BenchmarkSettings settings = record.Settings;
        BenchmarkMachine machine = record.Machine;
        TextWriter output = Console.Out;
        output.WriteLine();
        output.WriteLine($"model    {record.ModelName} ({record.Precision}, {ByteSize.Format(record.ModelBytes)})");
        output.WriteLine($"machine  {machine.CpuModel}, {machine.PhysicalCores} cores / {machine.LogicalCores} threads, {string.Join(' ', machine.SimdFeatures)}"
            + (machine.ReadBandwidthGBps is { } bandwidth ? string.Create(CultureInfo.InvariantCulture, $", read bandwidth {bandwidth:F1} GB/s") : string.Empty));
        output.WriteLine($"engine   {record.Engine}");
        foreach (KernelThroughputFigure figure in record.Kernels)
        {
            output.WriteLine($"kernel   {figure}");
        }

        output.WriteLine($"loads    {(record.ColdMethod is { } method ? $"cold ({method} before each)" : $"warm ({settings.Warmups} untimed warm-up)")}");
        output.WriteLine();
        output.WriteLine($"| {"test",-14} | {"threads",7} | {"mean ± sd",20} | {"median",10} |");
        output.WriteLine($"| {new string('-', 14)} | {new string('-', 7)} | {new string('-', 20)} | {new string('-', 10)} |");
        string threads = settings.Threads > 0 ? settings.Threads.ToString(CultureInfo.InvariantCulture) : "auto";
        Row($"pp{settings.PromptTokens} t/s", record.PromptTokensPerSecond, 2);
        Row($"tg{settings.GeneratedTokens} t/s", record.DecodeTokensPerSecond, 2);
        Row("ttft ms", record.TimeToFirstTokenMs, 1);
        Row("load ms", record.LoadMs, 1);
        Row("peak RSS MiB", record.PeakResidentBytes with
        {
            Mean = record.PeakResidentBytes.Mean / 1048576.0,
            StandardDeviation = record.PeakResidentBytes.StandardDeviation / 1048576.0,
            Median = record.PeakResidentBytes.Median / 1048576.0,
        }, 1);
        Row("RssFile MiB", Mebibytes(record.FileResidentBytes), 1);
        Row("RssAnon MiB", Mebibytes(record.AnonymousResidentBytes), 1);

        static SampleSummary Mebibytes(SampleSummary bytes) => bytes with
        {
            Mean = bytes.Mean / 1048576.0,
            StandardDeviation = bytes.StandardDeviation / 1048576.0,
            Median = bytes.Median / 1048576.0,
        };

        void Row(string test, SampleSummary summary, int decimals)
            => output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {test,-14} | {threads,7} | {summary.Format(decimals),20} | {summary.Median.ToString($"F{decimals}", CultureInfo.InvariantCulture),10} |"));
    }
}
