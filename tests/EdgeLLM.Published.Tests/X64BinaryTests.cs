using EdgeLLM.Runtime.Tests.Generation;
using EdgeLLM.Tests.Shared;
using Xunit.Abstractions;

namespace EdgeLLM.Published.Tests;

/// <summary>
/// The published linux-x64 binary as a field user runs it: one file (ONNX Runtime inside, extracted on first run
/// beside it, or to the per-user cache from a read-only stick), the reference tokens, offline in a network
/// namespace with no interfaces, without ICU, and on a CPU without AVX.
/// </summary>
[Collection(PublishedModelsCollection.Name)]
public sealed class X64BinaryTests(PublishedModels models, ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);
    private readonly TempFolder temp = TestPaths.CreateTemp("published-x64");

    public void Dispose() => temp.Dispose();

    [Fact]
    public void PublishFolderHoldsOneFileThatNeedsNoOtherLibrary()
    {
        if (!PublishedBinaries.Available(output, [PublishedBinaries.X64], "readelf"))
        {
            return;
        }

        string folder = Path.GetDirectoryName(PublishedBinaries.PathOf(PublishedBinaries.X64))!;
        // edgellm.dbg: the stripped symbols (not needed to run); .edgellm: the first-run cache, if it was run in place.
        Assert.Empty(Directory.GetFileSystemEntries(folder).Select(Path.GetFileName).Except(["edgellm", "edgellm.dbg", ".edgellm"]));
        string dynamic = ProcessRun.Start(["readelf", "-d", PublishedBinaries.PathOf(PublishedBinaries.X64)], null, Timeout).Succeeded("readelf").Output;
        string[] needed = [.. dynamic.Split('\n').Where(line => line.Contains("(NEEDED)", StringComparison.Ordinal))];
        output.WriteLine(string.Join('\n', needed));
        Assert.NotEmpty(needed);
        Assert.DoesNotContain(needed, line => line.Contains("onnxruntime", StringComparison.Ordinal) || line.Contains("icu", StringComparison.Ordinal) || line.Contains("stdc++", StringComparison.Ordinal));

        // No import of a native library that the publish leaves out: Terminal.Gui's TextMateSharp regex engine
        // (trimmed away), the test-only Hugging Face tokenizers oracle, ONNX Runtime GenAI.
        byte[] binary = File.ReadAllBytes(PublishedBinaries.PathOf(PublishedBinaries.X64));
        foreach (string library in (string[])["onigwrap", "hf_tokenizers", "onnxruntime-genai"])
        {
            Assert.True(binary.AsSpan().IndexOf(System.Text.Encoding.ASCII.GetBytes(library)) < 0, $"the binary names '{library}'");
        }
    }

    [Fact]
    public void FirstRunExtractsOnnxRuntimeBesideTheBinaryAndReproducesTheReferenceTokens()
    {
        if (!PublishedBinaries.Available(output, [PublishedBinaries.X64]))
        {
            return;
        }

        ReferenceCase reference = ReferenceCase.Load(PublishedModels.Shape, 0);
        string model = models.Folder("fp32");
        string binary = PublishedBinaries.FreshCopy(PublishedBinaries.X64, Path.Combine(temp.Path, "stick"));

        ProcessRun cold = ProcessRun.Start([binary, .. Generation.Arguments(model)], null, Timeout);
        ProcessRun warm = ProcessRun.Start([binary, .. Generation.Arguments(model)], null, Timeout);

        Assert.Equal(reference.GreedyIds, Generation.Tokens(cold));
        Assert.Equal(reference.GreedyIds, Generation.Tokens(warm));
        string[] extracted = Directory.GetFiles(Path.Combine(temp.Path, "stick", ".edgellm", "native"), "*", SearchOption.AllDirectories);
        string library = Assert.Single(extracted);
        Assert.Matches(@"/onnxruntime-\d+\.\d+\.\d+-[0-9a-f]{12}/libonnxruntime\.so$", library);
        output.WriteLine($"cold start (extracts {new FileInfo(library).Length:N0} bytes): process {cold.Elapsed.TotalMilliseconds:0} ms, load {Generation.Figure(cold, "load_ms")} ms, time to first token {Generation.Figure(cold, "time_to_first_token_ms")} ms");
        output.WriteLine($"warm start: process {warm.Elapsed.TotalMilliseconds:0} ms, load {Generation.Figure(warm, "load_ms")} ms, time to first token {Generation.Figure(warm, "time_to_first_token_ms")} ms");
    }

    [Fact]
    public void ReadOnlyStickExtractsToThePerUserCache()
    {
        if (!PublishedBinaries.Available(output, [PublishedBinaries.X64], "unshare", "mount") || !RunningAsRoot(output))
        {
            return;
        }

        string model = models.Folder("int4");
        int[] expected = models.X64Tokens("int4");
        string stick = Path.Combine(temp.Path, "read-only-stick");
        string cache = Path.Combine(temp.Path, "user-cache");
        Directory.CreateDirectory(stick);

        // A private mount namespace: a tmpfs holding only the binary, remounted read-only, visible to this command alone.
        const string Script = "mount -t tmpfs -o size=128m tmpfs \"$1\" && cp \"$2\" \"$1/edgellm\" && mount -o remount,ro \"$1\" && binary=\"$1/edgellm\" && shift 2 && exec \"$binary\" \"$@\"";
        ProcessRun run = InPrivateMountNamespace(Script, [stick, PublishedBinaries.PathOf(PublishedBinaries.X64), .. Generation.Arguments(model)], new Dictionary<string, string> { ["XDG_CACHE_HOME"] = cache });

        Assert.Equal(expected, Generation.Tokens(run));
        Assert.Single(Directory.GetFiles(Path.Combine(cache, "edgellm", "native"), "libonnxruntime.so", SearchOption.AllDirectories));
    }

    [Fact]
    public void GeneratesOfflineInANetworkNamespaceWithNoInterfaces()
    {
        if (!PublishedBinaries.Available(output, [PublishedBinaries.X64], "unshare"))
        {
            return;
        }

        string model = models.Folder("int4");
        string binary = PublishedBinaries.FreshCopy(PublishedBinaries.X64, Path.Combine(temp.Path, "stick"));

        // -r maps the caller to root in a new user namespace where an unprivileged user could not unshare the network.
        string[] unshare = RunningAsRoot(output: null) ? ["unshare", "-n"] : ["unshare", "-r", "-n"];
        ProcessRun links = ProcessRun.Start([.. unshare, "cat", "/proc/net/dev"], null, Timeout).Succeeded("unshare -n cat /proc/net/dev");
        ProcessRun offline = ProcessRun.Start([.. unshare, binary, .. Generation.Arguments(model)], null, Timeout);

        Assert.Equal(["lo"], links.Output.Split('\n').Skip(2).Where(line => line.Contains(':', StringComparison.Ordinal)).Select(line => line.Split(':')[0].Trim()));
        Assert.Equal(models.X64Tokens("int4"), Generation.Tokens(offline));
    }

    [Fact]
    public void RunsWhereNoIcuLibraryExists()
    {
        if (!PublishedBinaries.Available(output, [PublishedBinaries.X64], "unshare", "mount") || !RunningAsRoot(output))
        {
            return;
        }

        string model = models.Folder("int4");
        int[] expected = models.X64Tokens("int4");

        // Every libicu* on this machine is replaced by an empty file in a private mount namespace; DOTNET_SYSTEM_GLOBALIZATION_INVARIANT is not set.
        const string Script = "for library in /usr/lib/*/libicu* /usr/lib/libicu* /lib/*/libicu*; do [ -f \"$library\" ] && mount --bind /dev/null \"$library\"; done; exec \"$@\"";
        ProcessRun run = InPrivateMountNamespace(Script, [models.X64Binary, .. Generation.Arguments(model)], null);

        Assert.Equal(expected, Generation.Tokens(run));
    }

    [Fact]
    public void StartsAndGeneratesOnACpuWithoutAvx()
    {
        if (!PublishedBinaries.Available(output, [PublishedBinaries.X64], "qemu-x86_64-static"))
        {
            return;
        }

        string model = models.Folder("int4");
        int[] expected = models.X64Tokens("int4");
        string binary = PublishedBinaries.FreshCopy(PublishedBinaries.X64, Path.Combine(temp.Path, "stick"));

        // Nehalem (2008): SSE4.2 and POPCNT, no AVX, no AVX2 - NativeAOT's default x64 baseline (x86-64-v2).
        ProcessRun run = ProcessRun.Start(["qemu-x86_64-static", "-cpu", "Nehalem", binary, .. Generation.Arguments(model)], null, TimeSpan.FromMinutes(8));

        output.WriteLine($"Nehalem under qemu: {run.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal(expected, Generation.Tokens(run));
    }

    /// <summary>Runs a shell script with <paramref name="arguments"/> as $1... in a private mount namespace: its mounts are seen by nothing else.</summary>
    private static ProcessRun InPrivateMountNamespace(string script, string[] arguments, IReadOnlyDictionary<string, string>? environment)
        => ProcessRun.Start(["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh", .. arguments], environment, Timeout);

    private static bool RunningAsRoot(ITestOutputHelper? output)
    {
        bool root = Environment.IsPrivilegedProcess;
        if (!root && output is not null)
        {
            Assert.False(PublishedBinaries.InContinuousIntegration, "this check mounts a file system in a private mount namespace and needs root");
            output.WriteLine("skipped: needs root (mounts a file system in a private mount namespace)");
        }

        return root;
    }
}
