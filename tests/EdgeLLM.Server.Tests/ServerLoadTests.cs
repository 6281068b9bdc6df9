using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Xunit.Abstractions;

namespace EdgeLLM.Server.Tests;

/// <summary>8 concurrent clients × 20 requests: nothing lost, nothing mixed up, each reply equal to its single-client greedy reply.</summary>
[Collection(ServerCollection.Name)]
public sealed class ServerLoadTests(ServerModels models, ITestOutputHelper output)
{
    private const int Clients = 8;
    private const int RequestsPerClient = 20;

    [Fact]
    public async Task ConcurrentClientsEachGetTheirOwnGreedyReply()
    {
        await using EdgeLlmServer server = await models.StartAsync(options => options with { MaxQueue = Clients });
        // Distinct prompts that share prefixes (so KV reuse happens between unrelated clients), some streamed.
        string Prompt(int client, int request) => $"Client {client} asks question {request % 5}: what is {client} + {request % 5}?";
        var expected = new Dictionary<string, string>(StringComparer.Ordinal);
        using (var single = new ServerClient(server.Address))
        {
            for (int client = 0; client < Clients; client++)
            {
                for (int request = 0; request < 5; request++)
                {
                    expected[Prompt(client, request)] = await AskAsync(single, Prompt(client, request), stream: false);
                }
            }
        }

        var latencies = new ConcurrentBag<double>();
        var failures = new ConcurrentBag<string>();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(client => Task.Run(async () =>
        {
            using var http = new ServerClient(server.Address);
            for (int request = 0; request < RequestsPerClient; request++)
            {
                string prompt = Prompt(client, request);
                var one = Stopwatch.StartNew();
                string reply = await AskAsync(http, prompt, stream: request % 2 == 1);
                latencies.Add(one.Elapsed.TotalMilliseconds);
                if (reply != expected[prompt])
                {
                    failures.Add($"client {client} request {request}: got {JsonSerializer.Serialize(reply)}, expected {JsonSerializer.Serialize(expected[prompt])}");
                }
            }
        })));

        double[] sorted = [.. latencies.Order()];
        string summary = $"{Clients} clients x {RequestsPerClient} requests (10 new tokens each, half streamed) in {clock.Elapsed.TotalSeconds:F1} s: p50 {Percentile(sorted, 0.50):F0} ms, p99 {Percentile(sorted, 0.99):F0} ms, max {sorted[^1]:F0} ms";
        output.WriteLine(summary);
        Console.WriteLine($"ServerLoadTests: {summary}");
        Assert.Empty(failures);
        Assert.Equal(Clients * RequestsPerClient, sorted.Length);
    }

    private static double Percentile(double[] sorted, double fraction) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(fraction * sorted.Length) - 1)];

    /// <summary>The reply as "reasoning|content|finish", whole or reassembled from the stream.</summary>
    private static async Task<string> AskAsync(ServerClient client, string prompt, bool stream)
    {
        string body = ServerClient.Chat(prompt, 10, stream ? ""","think_budget":4,"stream":true""" : ""","think_budget":4""");
        if (!stream)
        {
            (HttpStatusCode status, JsonElement reply) = await client.PostAsync("/v1/chat/completions", body);
            Assert.Equal(HttpStatusCode.OK, status);
            JsonElement choice = reply.GetProperty("choices")[0];
            JsonElement message = choice.GetProperty("message");
            string reasoning = message.TryGetProperty("reasoning_content", out JsonElement r) ? r.GetString()! : string.Empty;
            return $"{reasoning}|{message.GetProperty("content").GetString()}|{choice.GetProperty("finish_reason").GetString()}";
        }

        string raw = await ServerClient.RawAsync(client.Address, ServerClient.RawPost("/v1/chat/completions", body), TimeSpan.FromSeconds(120));
        Assert.StartsWith("HTTP/1.1 200", raw, StringComparison.Ordinal);
        string reasoningText = string.Empty, content = string.Empty, finish = string.Empty;
        foreach (string item in raw[(raw.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..].Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            if (item == "data: [DONE]")
            {
                continue;
            }

            JsonElement choice = JsonDocument.Parse(item["data: ".Length..]).RootElement.GetProperty("choices")[0];
            JsonElement delta = choice.GetProperty("delta");
            reasoningText += delta.TryGetProperty("reasoning_content", out JsonElement r) ? r.GetString() : string.Empty;
            content += delta.TryGetProperty("content", out JsonElement c) ? c.GetString() : string.Empty;
            finish = choice.GetProperty("finish_reason").GetString() ?? finish;
        }

        return $"{reasoningText}|{content}|{finish}";
    }
}
