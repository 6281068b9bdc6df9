#:package Microsoft.ML.OnnxRuntime@1.32.0
#:property ManagePackageVersionsCentrally=false
#:property PublishAot=false

// One EdgeLLM decoder graph driven by plain ONNX Runtime the way src/EdgeLLM.Runtime does it (shared KV
// buffer bound as past and present, prompt in one run, then one token per run), with the session knobs
// exposed, so graph and session variants can be timed and profiled without rebuilding the product.
// Prints one JSON line: load, prefill and decode speed (median and mean of the steps), process CPU time
// per decoded token (a steadier figure than wall time on a shared machine: run with spin=0 so idle
// workers do not burn CPU), peak RSS and, with profile=PREFIX, ORT's per-node profile file
// (summarise it with profile-summary.py). Random prompt ids, fixed seed.
//
// usage: dotnet run session-probe.cs -- <model folder or .onnx> [threads=2] [ctx=4096] [prompt=128]
//        [steps=32] [spin=0|1] [opt=all|ext|basic|none] [profile=PREFIX] [save=optimized.onnx]
//        [loadonly=1] [label=text] [cfg:<session config key>=<value> ...]
using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

var settings = args.Skip(1).Select(argument => argument.Split('=', 2)).ToDictionary(pair => pair[0], pair => pair[1]);
string Get(string key, string fallback) => settings.TryGetValue(key, out string? value) ? value : fallback;
string modelPath = args[0].EndsWith(".onnx", StringComparison.Ordinal) ? args[0] : Path.Combine(args[0], "model.onnx");
int threads = int.Parse(Get("threads", "2"));
int contextLength = int.Parse(Get("ctx", "4096"));
int promptLength = int.Parse(Get("prompt", "128"));
int steps = int.Parse(Get("steps", "32"));
string label = Get("label", "");
using var options = new SessionOptions
{
    GraphOptimizationLevel = Get("opt", "all") switch
    {
        "basic" => GraphOptimizationLevel.ORT_ENABLE_BASIC,
        "ext" => GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
        "none" => GraphOptimizationLevel.ORT_DISABLE_ALL,
        _ => GraphOptimizationLevel.ORT_ENABLE_ALL,
    },
    ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
    IntraOpNumThreads = threads,
    InterOpNumThreads = 1,
    LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
};
if (Get("spin", "") != "")
{
    options.AddSessionConfigEntry("session.intra_op.allow_spinning", Get("spin", "1"));
}

foreach ((string key, string value) in settings.Where(pair => pair.Key.StartsWith("cfg:", StringComparison.Ordinal)))
{
    options.AddSessionConfigEntry(key[4..], value);
}

if (Get("profile", "") != "")
{
    // The prefix is read when profiling is switched on: set it first.
    options.ProfileOutputPathPrefix = Get("profile", "");
    options.EnableProfiling = true;
}

if (Get("save", "") != "")
{
    options.OptimizedModelFilePath = Get("save", "");
}

var clock = Stopwatch.StartNew();
using var session = new InferenceSession(modelPath, options);
double loadMs = clock.Elapsed.TotalMilliseconds;
var process = Process.GetCurrentProcess();
if (Get("loadonly", "") == "1")
{
    Console.WriteLine($"{{\"label\":\"{label}\",\"load_ms\":{loadMs:F0},\"peak_rss_mb\":{process.PeakWorkingSet64 / 1048576.0:F0}}}");
    return;
}

int layerCount = 0;
while (session.InputMetadata.ContainsKey($"past_key_values.{layerCount}.key"))
{
    layerCount++;
}

int[] cacheDims = session.InputMetadata["past_key_values.0.key"].Dimensions;
int vocab = session.OutputMetadata["logits"].Dimensions[2];
bool lastOnly = session.OutputMetadata["logits"].Dimensions[1] == 1;
using OrtIoBinding binding = session.CreateIoBinding();
var caches = new List<OrtValue>();
for (int layer = 0; layer < layerCount; layer++)
{
    foreach (string part in new[] { "key", "value" })
    {
        OrtValue cache = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float, [1, cacheDims[1], contextLength, cacheDims[3]]);
        caches.Add(cache);
        binding.BindInput($"past_key_values.{layer}.{part}", cache);
        binding.BindOutput($"present.{layer}.{part}", cache);
    }
}

long[] ones = new long[contextLength];
Array.Fill(ones, 1L);
var random = new Random(1);
long[] promptIds = Enumerable.Range(0, promptLength).Select(_ => (long)random.Next(1000, 30000)).ToArray();
using var runOptions = new RunOptions();
using OrtValue promptValue = OrtValue.CreateTensorValueFromMemory(promptIds, [1, promptLength]);
using OrtValue promptMask = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, ones.AsMemory(0, promptLength), [1, promptLength]);
float[] promptLogits = new float[(lastOnly ? 1 : promptLength) * vocab];
using OrtValue promptLogitsValue = OrtValue.CreateTensorValueFromMemory(promptLogits, [1, lastOnly ? 1 : promptLength, vocab]);
binding.BindInput("input_ids", promptValue);
binding.BindInput("attention_mask", promptMask);
binding.BindOutput("logits", promptLogitsValue);
TimeSpan cpuBefore = process.TotalProcessorTime;
clock.Restart();
session.RunWithBinding(runOptions, binding);
double prefillMs = clock.Elapsed.TotalMilliseconds;
process.Refresh();
double prefillCpuMs = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds;

long[] token = new long[1];
using OrtValue tokenValue = OrtValue.CreateTensorValueFromMemory(token, [1, 1]);
float[] logits = new float[vocab];
using OrtValue logitsValue = OrtValue.CreateTensorValueFromMemory(logits, [1, 1, vocab]);
binding.BindInput("input_ids", tokenValue);
binding.BindOutput("logits", logitsValue);
OrtValue[] masks = Enumerable.Range(0, steps)
    .Select(step => OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, ones.AsMemory(0, promptLength + step + 1), [1, promptLength + step + 1]))
    .ToArray();
double[] stepMs = new double[steps];
process.Refresh();
cpuBefore = process.TotalProcessorTime;
var decodeClock = Stopwatch.StartNew();
for (int step = 0; step < steps; step++)
{
    token[0] = 1000 + step;
    binding.BindInput("attention_mask", masks[step]);
    clock.Restart();
    session.RunWithBinding(runOptions, binding);
    stepMs[step] = clock.Elapsed.TotalMilliseconds;
}

process.Refresh();
double decodeCpuMs = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds / steps;
double decodeWallMs = decodeClock.Elapsed.TotalMilliseconds / steps;
string profile = options.EnableProfiling ? session.EndProfiling() : "";
Array.Sort(stepMs);
Console.WriteLine(
    $"{{\"label\":\"{label}\",\"load_ms\":{loadMs:F0},\"prefill_tps\":{promptLength / prefillMs * 1000:F1},\"decode_tps_median\":{1000 / stepMs[steps / 2]:F2}," +
    $"\"decode_tps_mean\":{1000 / decodeWallMs:F2},\"peak_rss_mb\":{process.PeakWorkingSet64 / 1048576.0:F0},\"decode_cpu_ms_per_token\":{decodeCpuMs:F1}," +
    $"\"prefill_cpu_ms_per_token\":{prefillCpuMs / promptLength:F2},\"decode_cpu_tps_equiv\":{threads * 1000 / decodeCpuMs:F2}," +
    $"\"prefill_cpu_tps_equiv\":{threads * 1000 * promptLength / prefillCpuMs:F1},\"profile\":\"{profile}\"}}");
foreach (OrtValue value in caches.Concat(masks))
{
    value.Dispose();
}
