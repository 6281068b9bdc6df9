using System.Text.Json;
using EdgeLLM.Format.Platform;
using EdgeLLM.Packaging.Kits;
using EdgeLLM.Packaging.Tests.Kits;
using Xunit.Abstractions;

namespace EdgeLLM.Packaging.Tests.Launchers;

/// <summary>
/// The kit as a field user meets it: the real published binary packed with the tiny int4 model into a folder whose
/// path has spaces, started through <c>edgellm.sh</c> from another working directory, with and without execute bits
/// (a FAT32/exFAT stick has none), and generating exactly the tokens the in-process CLI generates.
/// </summary>
[Collection(KitCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class LauncherTests(KitFixture fixture, ITestOutputHelper output)
{
    private static readonly string[] Prompt = ["--temperature", "0", "--max-tokens", "6", "--json", "-p", "Once upon a time"];

    [Fact]
    public void WithoutExecuteBitsTheLauncherRunsACachedCopyAndGeneratesFromTheKitsModel()
    {
        if (PublishedBinary.Require(output) is null)
        {
            return;
        }

        string kit = PackRealKit();
        foreach (string file in Directory.EnumerateFiles(kit, "*", SearchOption.AllDirectories))
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        string cache = fixture.NewFolder("xdg cache");
        (int exitCode, string text, string error) = Launch(kit, cache, ["generate", "-m", KitFixture.ModelName, .. Prompt]);

        Assert.True(exitCode == 0, error);
        Assert.Equal(ExpectedTokens(), Tokens(text));
        string[] copies = [.. Directory.EnumerateFiles(Path.Combine(cache, "edgellm", "kit-bin"), "edgellm", SearchOption.AllDirectories)];
        Assert.Single(copies);
        Assert.True(File.GetUnixFileMode(copies[0]).HasFlag(UnixFileMode.UserExecute));

        // Started again (by POSIX sh this time), the cached copy is reused; `verify` through the launcher checks the untouched kit.
        (exitCode, text, error) = Launch(kit, cache, ["verify", kit], shell: "sh");
        Assert.True(exitCode == 0, error);
        Assert.StartsWith("ok: ", text, StringComparison.Ordinal);
        Assert.Single(Directory.EnumerateFiles(Path.Combine(cache, "edgellm", "kit-bin"), "edgellm", SearchOption.AllDirectories));

        // $EDGELLM_CACHE_DIR moves the launcher's copies where the binary keeps its own cache.
        string explicitCache = fixture.NewFolder("explicit cache");
        (exitCode, _, error) = Launch(kit, cache, ["verify", kit], explicitCache: explicitCache);
        Assert.True(exitCode == 0, error);
        Assert.Single(Directory.EnumerateFiles(Path.Combine(explicitCache, "kit-bin"), "edgellm", SearchOption.AllDirectories));
    }

    [Fact]
    public void WithExecuteBitsTheLauncherRunsTheBinaryInPlaceAndPassesArgumentsThrough()
    {
        if (PublishedBinary.Require(output) is null)
        {
            return;
        }

        string kit = PackRealKit();
        string cache = fixture.NewFolder("xdg cache");
        (int exitCode, string text, string error) = Launch(kit, cache, ["generate", "-m", Path.Combine(kit, "models", KitFixture.ModelName), .. Prompt]);

        Assert.True(exitCode == 0, error);
        Assert.Equal(ExpectedTokens(), Tokens(text));
        Assert.False(Directory.Exists(Path.Combine(cache, "edgellm", "kit-bin")));

        // Arguments arrive byte for byte (spaces, tabs, quotes): the prompt encodes to the same ids as in-process.
        string[] renderOnly = ["generate", "-m", KitFixture.ModelName, "--max-tokens", "0", "-p", "Once  upon\ta \"time\" $HOME *"];
        (exitCode, text, error) = Launch(kit, cache, renderOnly);
        Assert.True(exitCode == 0, error);
        (int inProcessExit, string inProcess, _) = CliRunner.Run([.. renderOnly[..2], Path.Combine(kit, "models", KitFixture.ModelName), .. renderOnly[3..]]);
        Assert.Equal(0, inProcessExit);
        Assert.Equal(inProcess, text);

        (exitCode, _, error) = Launch(kit, cache, ["generate", "-m", KitFixture.ModelName, "--think", "sometimes", "-p", "hi"]);
        Assert.Equal(1, exitCode);
        Assert.Contains("--think must be on, hide or off, got 'sometimes'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TheBinaryInsideAKitFindsTheKitsModelsAndPacksFromItsOwnBinFolder()
    {
        if (PublishedBinary.Require(output) is null)
        {
            return;
        }

        string kit = PackRealKit();
        string binary = Path.Combine(kit, "bin", "linux-x64", "edgellm");
        var environment = new Dictionary<string, string> { ["EDGELLM_MODELS"] = string.Empty };
        (int exitCode, string text, string error) = Processes.Run(binary, ["generate", "-m", KitFixture.ModelName, .. Prompt], fixture.NewFolder("cwd"), environment);
        Assert.True(exitCode == 0, error);
        Assert.Equal(ExpectedTokens(), Tokens(text));

        string second = Path.Combine(fixture.NewFolder("second"), "copy of kit");
        (exitCode, text, error) = Processes.Run(binary, ["pack", "-o", second, "--model", Path.Combine(kit, "models", KitFixture.ModelName), "--targets", "linux-x64"], fixture.NewFolder("cwd"), environment);
        Assert.True(exitCode == 0, error);
        Assert.Equal(File.ReadAllBytes(binary), File.ReadAllBytes(Path.Combine(second, "bin", "linux-x64", "edgellm")));
    }

    [Fact]
    public async Task TheLauncherStartsTheServerOnTheKitsModelAndSigtermStopsItWithExitZero()
    {
        if (PublishedBinary.Require(output) is null)
        {
            return;
        }

        string kit = PackRealKit();
        int port;
        using (var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        }

        var start = new System.Diagnostics.ProcessStartInfo("bash") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false, WorkingDirectory = fixture.NewFolder("elsewhere") };
        foreach (string argument in new[] { Path.Combine(kit, KitLayout.ShellLauncher), "serve", "-m", KitFixture.ModelName, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--alias", "kit model" })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["XDG_CACHE_HOME"] = fixture.NewFolder("xdg cache");
        start.Environment[UserFolders.CacheVariable] = string.Empty;
        using System.Diagnostics.Process server = System.Diagnostics.Process.Start(start)!;
        Task<string> errors = server.StandardError.ReadToEndAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) };
            string? models = null;
            for (int attempt = 0; attempt < 300 && models is null && !server.HasExited; attempt++)
            {
                try
                {
                    using HttpResponseMessage health = await http.GetAsync("health");
                    models = health.IsSuccessStatusCode ? await http.GetStringAsync("v1/models") : null;
                }
                catch (HttpRequestException)
                {
                }

                if (models is null)
                {
                    await Task.Delay(100);
                }
            }

            Assert.True(models is not null, server.HasExited ? await errors : "the server did not become ready");
            using (JsonDocument list = JsonDocument.Parse(models))
            {
                Assert.Equal("kit model", list.RootElement.GetProperty("data")[0].GetProperty("id").GetString());
            }

            // exec: the launcher's process is the server's, so the signal reaches it.
            using (var kill = System.Diagnostics.Process.Start("kill", ["-TERM", server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await server.WaitForExitAsync(wait.Token);
            Assert.Equal(0, server.ExitCode);
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill();
            }
        }
    }

    /// <summary>The published linux-x64 binary and the tiny model in "&lt;tmp&gt;/USB STICK/EDGELLM KIT".</summary>
    private string PackRealKit() => fixture.PackKit(PublishedBinary.Root, ["linux-x64"]);

    /// <summary>Runs the kit's launcher with <paramref name="cache"/> as XDG_CACHE_HOME and $EDGELLM_CACHE_DIR unset unless given.</summary>
    private (int ExitCode, string Output, string Error) Launch(string kit, string cache, string[] arguments, string shell = "bash", string explicitCache = "")
        => Processes.Run(
            shell,
            [Path.Combine(kit, KitLayout.ShellLauncher), .. arguments],
            workingDirectory: fixture.NewFolder("elsewhere"),
            environment: new Dictionary<string, string> { ["XDG_CACHE_HOME"] = cache, [UserFolders.CacheVariable] = explicitCache });

    private int[] ExpectedTokens()
    {
        (int exitCode, string text, string error) = CliRunner.Run(["generate", "-m", fixture.Model, .. Prompt]);
        Assert.True(exitCode == 0, error);
        return Tokens(text);
    }

    private static int[] Tokens(string text)
    {
        using JsonDocument document = JsonDocument.Parse(text);
        return [.. document.RootElement.GetProperty("tokens").EnumerateArray().Select(id => id.GetInt32())];
    }
}
