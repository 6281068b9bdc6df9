using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using EdgeLLM.Format;

namespace EdgeLLM.Server.Tests;

/// <summary>Safe by default: loopback only, keys, bounded headers and queue, slow clients cut off, disconnects cancel.</summary>
[Collection(ServerCollection.Name)]
public sealed class ServerSafetyTests(ServerModels models)
{
    private const string Question = "What is 2+2? Answer briefly.";

    [Fact]
    public void AnotherAddressThanLoopbackNeedsAnApiKey()
    {
        var open = new ServerOptions { Host = "0.0.0.0", ModelId = "m" };

        Assert.Contains("API key", Assert.Throws<EdgeLlmException>(() => open.Check()).Message, StringComparison.Ordinal);
        Assert.Equal(IPAddress.Any, (open with { ApiKey = "k" }).Check());
        Assert.True((open with { ApiKey = "k" }).IsExposed);
        Assert.False(new ServerOptions { ModelId = "m" }.IsExposed);
        Assert.Equal(IPAddress.Loopback, new ServerOptions { ModelId = "m" }.Check());
    }

    [Fact]
    public void ServeRefusesAnOpenHostWithOneLineBeforeLoading()
    {
        (int exit, string output, string error) = CliRunner.Run("serve", "-m", models.Model, "--host", "0.0.0.0", "--port", "0");

        Assert.Equal(1, exit);
        Assert.Equal("", output);
        string line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("edgellm serve: error: host 0.0.0.0 would let other machines use the model", line, StringComparison.Ordinal);
        (exit, _, error) = CliRunner.Run("serve", "-m", models.Model, "--context", "100000");
        Assert.Equal(1, exit);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("edgellm serve: error:", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithAKeyEveryRequestButHealthNeedsIt()
    {
        await using EdgeLlmServer server = await models.StartAsync(options => options with { ApiKey = "s3cret" });
        using var anonymous = new ServerClient(server.Address);
        using var wrong = new ServerClient(server.Address, "guess");
        using var right = new ServerClient(server.Address, "s3cret");

        (HttpStatusCode health, _) = await anonymous.GetAsync("/health");
        (HttpStatusCode none, JsonElement noneError) = await anonymous.PostAsync("/v1/chat/completions", ServerClient.Chat(Question, 2));
        (HttpStatusCode bad, JsonElement badError) = await wrong.PostAsync("/v1/chat/completions", ServerClient.Chat(Question, 2));
        (HttpStatusCode models401, _) = await anonymous.GetAsync("/v1/models");
        (HttpStatusCode good, _) = await right.PostAsync("/v1/chat/completions", ServerClient.Chat(Question, 2));

        Assert.Equal(HttpStatusCode.OK, health);
        Assert.Equal(HttpStatusCode.Unauthorized, none);
        Assert.Equal(HttpStatusCode.Unauthorized, bad);
        Assert.Equal(HttpStatusCode.Unauthorized, models401);
        Assert.Equal("invalid_api_key", noneError.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("authentication_error", badError.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.OK, good);
    }

    [Fact]
    public async Task CorsHeadersOnlyForTheConfiguredOrigin()
    {
        await using EdgeLlmServer closed = await models.StartAsync();
        await using EdgeLlmServer open = await models.StartAsync(options => options with { CorsOrigin = "http://localhost:3000" });
        const string preflight = "OPTIONS /v1/chat/completions HTTP/1.0\r\nHost: x\r\nOrigin: http://localhost:3000\r\nAccess-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: content-type\r\n\r\n";

        string refused = await ServerClient.RawAsync(closed.Address, preflight, TimeSpan.FromSeconds(20));
        string allowed = await ServerClient.RawAsync(open.Address, preflight, TimeSpan.FromSeconds(20));
        string other = await ServerClient.RawAsync(open.Address, preflight.Replace("localhost:3000", "evil.example", StringComparison.Ordinal), TimeSpan.FromSeconds(20));

        Assert.DoesNotContain("Access-Control-Allow-Origin", refused, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Access-Control-Allow-Origin: http://localhost:3000", allowed, StringComparison.Ordinal);
        Assert.DoesNotContain("Access-Control-Allow-Origin", other, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task SlowLorisHeadersAreCutOffAndOversizeHeadersRefused()
    {
        await using EdgeLlmServer server = await models.StartAsync(options => options with { HeadersTimeout = TimeSpan.FromSeconds(1) });
        using var slow = new TcpClient();
        await slow.ConnectAsync(IPAddress.Loopback, server.Address.Port);
        NetworkStream stream = slow.GetStream();
        await stream.WriteAsync("GET /health HTTP/1.1\r\nHost: x\r\n"u8.ToArray());
        var clock = Stopwatch.StartNew();
        bool closed = false;
        for (int step = 0; step < 40 && !closed; step++)
        {
            try
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"X-Slow-{step}: a\r\n"));
                await Task.Delay(250);
                closed = slow.Client.Poll(0, SelectMode.SelectRead) && slow.Client.Available == 0;
                if (slow.Client.Poll(0, SelectMode.SelectRead) && slow.Client.Available > 0)
                {
                    byte[] answer = new byte[4096];
                    int read = await stream.ReadAsync(answer);
                    closed = read == 0 || Encoding.ASCII.GetString(answer, 0, read).StartsWith("HTTP/1.1 408", StringComparison.Ordinal);
                }
            }
            catch (IOException)
            {
                closed = true;
            }
        }

        Assert.True(closed, "a client that never finishes its headers is cut off");
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.5, 6);
        string big = await ServerClient.RawAsync(server.Address, $"GET /health HTTP/1.0\r\nHost: x\r\nX-Big: {new string('b', 40 * 1024)}\r\n\r\n", TimeSpan.FromSeconds(20));
        Assert.StartsWith("HTTP/1.1 431", big, StringComparison.Ordinal);
        using var client = new ServerClient(server.Address);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/v1/chat/completions", ServerClient.Chat(Question, 2))).Status);
    }

    [Fact]
    public async Task AFullQueueIs429AndADisconnectFreesTheModelAtOnce()
    {
        await using EdgeLlmServer server = await models.StartAsync(options => options with { MaxQueue = 0 });
        using var client = new ServerClient(server.Address);

        // A long streamed reply: read its first event, so it holds the model, then ask again. A sampled reply can end
        // early (an end-of-sequence id) and free the model before the second request arrives: then try another seed.
        TcpClient? streaming = null;
        HttpStatusCode status = HttpStatusCode.OK;
        JsonElement error = default;
        for (int seed = 1; seed <= 10 && status != HttpStatusCode.TooManyRequests; seed++)
        {
            streaming?.Dispose();
            streaming = new TcpClient();
            await streaming.ConnectAsync(IPAddress.Loopback, server.Address.Port);
            NetworkStream stream = streaming.GetStream();
            await stream.WriteAsync(Encoding.UTF8.GetBytes(ServerClient.RawPost("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"Tell a long story.\"}],\"temperature\":0.9,\"seed\":" + seed + ",\"stream\":true,\"reasoning_format\":\"none\"}")));
            byte[] buffer = new byte[8192];
            int read = await stream.ReadAsync(buffer);
            Assert.Contains("200", Encoding.UTF8.GetString(buffer, 0, read), StringComparison.Ordinal);
            (status, error) = await client.PostAsync("/v1/chat/completions", ServerClient.Chat(Question, 2));
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.Equal("queue_full", error.GetProperty("error").GetProperty("code").GetString());

        streaming!.Client.Close();
        streaming.Dispose();
        var clock = Stopwatch.StartNew();
        HttpStatusCode after = HttpStatusCode.TooManyRequests;
        for (int attempt = 0; attempt < 100 && after == HttpStatusCode.TooManyRequests; attempt++)
        {
            (after, _) = await client.PostAsync("/v1/chat/completions", ServerClient.Chat(Question, 2));
            if (after == HttpStatusCode.TooManyRequests)
            {
                await Task.Delay(20);
            }
        }

        Assert.Equal(HttpStatusCode.OK, after);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"the model was freed {clock.Elapsed.TotalMilliseconds:F0} ms after the client left");
    }

    [Fact]
    public async Task SigtermStopsTheServeVerbWithExitZeroWithinTwoSeconds()
    {
        string cli = Path.Combine(AppContext.BaseDirectory, "edgellm.dll");
        int port = FreePort();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string argument in new[] { cli, "serve", "-m", models.Model, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--context", "256", "--threads", "2" })
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        var errorText = new StringBuilder();
        process.ErrorDataReceived += (_, line) => { lock (errorText) { errorText.AppendLine(line.Data); } };
        process.BeginErrorReadLine();
        try
        {
            using var client = new ServerClient(new Uri($"http://127.0.0.1:{port}/"));
            bool ready = false;
            for (int attempt = 0; attempt < 300 && !ready && !process.HasExited; attempt++)
            {
                try
                {
                    ready = (await client.GetAsync("/health")).Status == HttpStatusCode.OK;
                }
                catch (HttpRequestException)
                {
                }

                if (!ready)
                {
                    await Task.Delay(100);
                }
            }

            Assert.True(ready, errorText.ToString());
            // A streamed reply in flight when the signal comes.
            Task<string> inFlight = ServerClient.RawAsync(client.Address, ServerClient.RawPost("/v1/chat/completions", """{"messages":[{"role":"user","content":"Tell a long story."}],"temperature":0.9,"seed":2,"stream":true}"""), TimeSpan.FromSeconds(20));
            await Task.Delay(300);
            using (Process kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            var clock = Stopwatch.StartNew();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await process.WaitForExitAsync(wait.Token);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2.5), $"stopped after {clock.Elapsed.TotalMilliseconds:F0} ms");
            Assert.Equal(0, process.ExitCode);
            Assert.StartsWith("HTTP/1.1 200", await inFlight, StringComparison.Ordinal);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
