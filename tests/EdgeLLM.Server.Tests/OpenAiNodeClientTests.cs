using System.Diagnostics;
using System.Text.Json;
using EdgeLLM.Tests.Shared;
using Xunit.Abstractions;

namespace EdgeLLM.Server.Tests;

/// <summary>
/// The official OpenAI JavaScript client (npm openai, pinned in tests/prepare.sh) against a live server on the tiny
/// R1 model: models, chat whole and streamed with reasoning_content, stop, max_tokens → length, usage, a 400 and a
/// 401. Skipped with a printed line where node or the package is missing; a failure under CI=true.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class OpenAiNodeClientTests(ServerModels models, ITestOutputHelper output)
{
    [Fact]
    public async Task OfficialClientDrivesTheServer()
    {
        string modules = Path.Combine(TestPaths.RepoRoot, "tests", ".node", "node_modules");
        string? node = FindOnPath("node");
        if (node is null || !File.Exists(Path.Combine(modules, "openai", "package.json")))
        {
            string why = node is null ? "node is not on PATH" : "the openai npm package is not in tests/.node (run 'bash tests/prepare.sh')";
            Assert.False(Environment.GetEnvironmentVariable("CI") == "true", $"OpenAiNodeClientTests cannot run under CI=true: {why}");
            output.WriteLine($"skipped: {why}");
            Console.WriteLine($"OpenAiNodeClientTests skipped: {why}");
            return;
        }

        await using EdgeLlmServer server = await models.StartAsync(options => options with { ApiKey = "node-key", ModelId = "tiny-r1" });
        using var client = new ServerClient(server.Address, "node-key");
        (_, JsonElement expected) = await client.PostAsync("/v1/chat/completions", ServerClient.Chat("What is 2+2? Answer briefly.", 16, ""","think_budget":5"""));
        string script = Path.Combine(TestPaths.RepoRoot, "tests", "EdgeLLM.Server.Tests", "node", "openai-client.mjs");

        var start = new ProcessStartInfo(node) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in new[] { script, new Uri(server.Address, "/v1").ToString(), "node-key", modules })
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2)))
        {
            await process.WaitForExitAsync(timeout.Token);
        }

        Assert.True(process.ExitCode == 0, $"node exited {process.ExitCode}: {await stderr}");
        using JsonDocument result = JsonDocument.Parse(await stdout);
        JsonElement root = result.RootElement;
        output.WriteLine(root.GetRawText());

        JsonElement model = Assert.Single(root.GetProperty("models").EnumerateArray());
        Assert.Equal("tiny-r1", model.GetProperty("id").GetString());
        Assert.Equal(ServerModels.Context, model.GetProperty("context_length").GetInt32());

        JsonElement message = expected.GetProperty("choices")[0].GetProperty("message");
        foreach (string part in new[] { "whole", "streamed" })
        {
            JsonElement reply = root.GetProperty(part);
            Assert.Equal(message.GetProperty("content").GetString(), reply.GetProperty("content").GetString());
            Assert.Equal(message.GetProperty("reasoning_content").GetString(), reply.GetProperty("reasoning_content").GetString());
            Assert.NotEqual("", reply.GetProperty("reasoning_content").GetString());
            Assert.NotEqual("", reply.GetProperty("content").GetString());
            Assert.Equal("length", reply.GetProperty("finish_reason").GetString());
            Assert.Equal(16, reply.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
            Assert.Equal(expected.GetProperty("usage").GetProperty("prompt_tokens").GetInt32(), reply.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        }

        Assert.True(root.GetProperty("streamed").GetProperty("chunks").GetInt32() > 3);
        Assert.True(root.GetProperty("whole").GetProperty("usage").GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32() > 0);

        JsonElement stop = root.GetProperty("stop");
        string full = stop.GetProperty("full").GetString()!;
        Assert.Equal(full[..full.IndexOf(stop.GetProperty("stop").GetString()!, StringComparison.Ordinal)], stop.GetProperty("content").GetString());
        Assert.Equal("stop", stop.GetProperty("finish_reason").GetString());

        Assert.Equal("length", root.GetProperty("completion").GetProperty("finish_reason").GetString());
        Assert.Equal(4, root.GetProperty("completion").GetProperty("usage").GetProperty("completion_tokens").GetInt32());

        JsonElement bad = root.GetProperty("badRequest");
        Assert.Equal(400, bad.GetProperty("status").GetInt32());
        Assert.Equal("BadRequestError", bad.GetProperty("name").GetString());
        Assert.Contains("robot", bad.GetProperty("message").GetString(), StringComparison.Ordinal);
        JsonElement unauthorized = root.GetProperty("unauthorized");
        Assert.Equal(401, unauthorized.GetProperty("status").GetInt32());
        Assert.Equal("AuthenticationError", unauthorized.GetProperty("name").GetString());
        Assert.Equal("invalid_api_key", unauthorized.GetProperty("code").GetString());
    }

    private static string? FindOnPath(string name)
        => (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, name))
            .FirstOrDefault(File.Exists);
}
