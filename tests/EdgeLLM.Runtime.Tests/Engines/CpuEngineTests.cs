using System.Globalization;
using EdgeLLM.Format.ModelFolder;
using EdgeLLM.Format;
using EdgeLLM.Quantize.Architectures;
using EdgeLLM.Quantize.Conversion;
using EdgeLLM.Runtime.Diagnostics;
using EdgeLLM.Runtime.Engines.Cpu.Loading;
using EdgeLLM.Runtime.Engines;
using EdgeLLM.Runtime.Engines.Cpu;
using EdgeLLM.Runtime.Model;
using EdgeLLM.Runtime.Tests.Generation;
using EdgeLLM.Tests.Shared;
using Xunit.Abstractions;

namespace EdgeLLM.Runtime.Tests.Engines;

/// <summary>
/// The CPU engine's load and run contract: no allocation per decode step, weights left as shared read-only
/// file pages (anonymous memory grows by the KV cache and buffers only), prompt chunks and prefix reuse
/// that change nothing, a damaged folder as one line naming the tensor, and an unsupported folder refused
/// (auto then runs ONNX Runtime and says why).
/// </summary>
[Collection(ModelFoldersCollection.Name)]
public sealed class CpuEngineTests(ModelFolders models, ITestOutputHelper output)
{
    private static readonly ReferenceLogits Chat = ReferenceLogits.Load(ModelFolders.Qwen2)[0];

    [Fact]
    public void DecodeStepAllocatesNothing()
    {
        using CpuEngine engine = Open(models.Tiny(ModelFolders.Qwen2));
        engine.Prefill(Chat.PromptIds);
        engine.Decode(Chat.GreedyIds[0]);
        int collections = GC.CollectionCount(0);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int step = 1; step <= 100; step++)
        {
            engine.Decode(Chat.GreedyIds[step % Chat.GreedyIds.Length]);
        }

        long perStep = (GC.GetAllocatedBytesForCurrentThread() - before) / 100;
        Assert.True(perStep < 256, $"a decode step allocated {perStep} managed bytes");
        Assert.Equal(collections, GC.CollectionCount(0));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(7)]
    public void PromptInChunksGivesTheSameLogits(int chunk)
    {
        string folder = models.Tiny(ModelFolders.Qwen2);
        using CpuEngine whole = Open(folder);
        using CpuEngine chunked = CpuEngine.Open(folder, new CpuEngineOptions { ContextLength = 256, Threads = 2, PrefillChunk = chunk });
        float[] expected = whole.Prefill(Chat.PromptIds).ToArray();
        float[] actual = chunked.Prefill(Chat.PromptIds).ToArray();
        Assert.Equal(chunk, chunked.PrefillChunk);
        new LogitTolerance(1e-4).CheckAll(actual, expected, $"prompt in chunks of {chunk}");
    }

    [Fact]
    public void RewindReusesTheCachedPrefix()
    {
        using CpuEngine engine = Open(models.Tiny(ModelFolders.Qwen2));
        float[] expected = engine.Prefill(Chat.PromptIds).ToArray();
        engine.Decode(Chat.GreedyIds[0]);
        engine.Rewind(Chat.PromptIds.Length - 3);
        float[] actual = engine.Prefill(Chat.PromptIds[^3..]).ToArray();
        Assert.Equal(Chat.PromptIds.Length, engine.Position);
        new LogitTolerance(1e-4).CheckAll(actual, expected, "after rewinding 3 tokens");
    }

    [Fact]
    public void WeightsStaySharedReadOnlyFilePages()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        string folder = models.Variant(ModelFolders.Qwen2, "int4-memory", new ConversionOptions { Precision = WeightPrecision.Int4 });
        string dataFile = Path.Combine(folder, "model.onnx.data");

        // Measured from before the first open of this folder: a freed copy would be reused by a second open and hide.
        // The constant covers code the JIT compiles for the engine when no earlier test has run it.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long anonymousBefore = ProcessMemory.AnonymousResidentBytes();
        using CpuEngine engine = Open(folder);
        engine.Prefill(Chat.PromptIds);
        for (int step = 0; step < 8; step++)
        {
            engine.Decode(Chat.GreedyIds[step]);
        }

        long grown = ProcessMemory.AnonymousResidentBytes() - anonymousBefore;
        long weightBytes = new FileInfo(dataFile).Length;
        const long constant = 16L << 20;
        long allowed = engine.KvCacheBytes + engine.ActivationBytes + constant;
        output.WriteLine($"RssAnon grew {grown / 1024} KiB after open + 23 tokens; KV {engine.KvCacheBytes / 1024} KiB + buffers {engine.ActivationBytes / 1024} KiB + 16 MiB allowed; weights {weightBytes / 1024} KiB");
        Assert.True(grown < allowed, $"anonymous memory grew by {grown} bytes, more than KV + buffers + 16 MiB ({allowed}); weights are {weightBytes} bytes");

        (string permissions, long residentKilobytes) = Mapping(dataFile);
        Assert.Equal("r--s", permissions);
        Assert.True(residentKilobytes > 0, "the weight file's pages are not resident after a run: the engine does not read them in place");
    }

    [Fact]
    public void TruncatedWeightFileIsOneLineNamingTheTensor()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string source = models.Variant(ModelFolders.Qwen2, "int4-b32", new ConversionOptions { Precision = WeightPrecision.Int4 });
        string folder = Path.Combine(temp.Path, "damaged");
        Directory.CreateDirectory(folder);
        foreach (string file in Directory.EnumerateFiles(source))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        string dataFile = Path.Combine(folder, "model.onnx.data");
        using (var stream = new FileStream(dataFile, FileMode.Open, FileAccess.Write))
        {
            stream.SetLength(stream.Length - 4096);
        }

        var error = Assert.Throws<EdgeLlmException>(() => Open(folder));
        output.WriteLine(error.Message);
        Assert.Contains("tensor '", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void DirectMLVariantIsRefusedAndAutoRunsOnnxRuntime()
    {
        string folder = models.Tiny(ModelFolders.Qwen2, target: GraphTarget.DirectML);
        var refusal = Assert.Throws<UnsupportedGraphException>(() => Open(folder));
        Assert.DoesNotContain('\n', refusal.Message);

        var asked = Assert.Throws<EdgeLlmException>(() => DecoderEngines.Open(folder, 64, new SessionSettings { Threads = 1, Engine = EngineChoice.Cpu }));
        Assert.Contains("(choose the onnx engine)", asked.Message, StringComparison.Ordinal);

        Assert.Equal(refusal.Message, CpuEngine.CannotRun(folder));
        var notices = new List<string>();
        using IDecoderEngine engine = DecoderEngines.Open(folder, 64, new SessionSettings { Threads = 1, Engine = EngineChoice.Auto }, notices.Add);
        Assert.Equal("onnx", engine.Name);
        Assert.Contains(notices, line => line.StartsWith("engine auto: EdgeLLM's CPU engine cannot run this folder (", StringComparison.Ordinal));
    }

    [Fact]
    public void AutoOpensTheCpuEngineOnTheCpuAndOnnxOpensOnnxRuntime()
    {
        // auto on the CPU provider: the CPU engine when it runs the folder (DirectMLVariantIsRefusedAndAutoRunsOnnxRuntime
        // covers a folder it does not run); the CLI's planner resolves auto the same way (RunPlannerTests).
        using (IDecoderEngine auto = DecoderEngines.Open(models.Tiny(ModelFolders.Qwen2), 64, new SessionSettings { Threads = 1 }))
        {
            Assert.Equal("cpu", auto.Name);
            Assert.NotNull(auto.KernelIsa);
        }

        Assert.Null(CpuEngine.CannotRun(models.Tiny(ModelFolders.Qwen2)));
        using IDecoderEngine onnx = DecoderEngines.Open(models.Tiny(ModelFolders.Qwen2), 64, new SessionSettings { Threads = 1, Engine = EngineChoice.Onnx });
        Assert.Equal("onnx", onnx.Name);
    }

    private static CpuEngine Open(string folder) => CpuEngine.Open(folder, new CpuEngineOptions { ContextLength = 256, Threads = 2 });

    /// <summary>The permissions of <paramref name="path"/>'s mapping in this process and its resident kilobytes (/proc/self/smaps).</summary>
    private static (string Permissions, long ResidentKilobytes) Mapping(string path)
    {
        string target = new FileInfo(path).FullName;
        string permissions = string.Empty;
        long resident = 0;
        bool inside = false;
        foreach (string line in File.ReadLines("/proc/self/smaps"))
        {
            string[] fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 1 && fields[0].Contains('-', StringComparison.Ordinal) && !fields[0].EndsWith(':'))
            {
                inside = fields.Length == 6 && fields[5].Trim() == target;
                if (inside)
                {
                    permissions = fields[1];
                }
            }
            else if (inside && line.StartsWith("Rss:", StringComparison.Ordinal))
            {
                resident += long.Parse(line["Rss:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        return (permissions, resident);
    }
}
