using System.Net;
using System.Text;
using System.Text.Json;
using EdgeLLM.Tests.Shared;

namespace EdgeLLM.Server.Tests;

/// <summary>The endpoints on the tiny R1 model: replies, streaming framing, stop, limits, usage and every 400.</summary>
[Collection(ServerCollection.Name)]
public sealed class ServerEndpointTests(ServerModels models)
{
    private const string Question = "What is 2+2? Answer briefly.";

    [Fact]
    public async Task HealthAndModelsDescribeTheLoadedModel()
    {
        await using EdgeLlmServer server = await models.StartAsync(options => options with { ModelId = "r1-tiny" });
        using var client = new ServerClient(server.Address);

        (HttpStatusCode status, JsonElement health) = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("ok", health.GetProperty("status").GetString());
        (status, JsonElement list) = await client.GetAsync("/v1/models");
        Assert.Equal(HttpStatusCode.OK, status);
        JsonElement card = Assert.Single(list.GetProperty("data").EnumerateArray());
        Assert.Equal("r1-tiny", card.GetProperty("id").GetString());
        Assert.Equal(ServerModels.Context, card.GetProperty("context_length").GetInt32());
    }

    [Fact]
    public async Task GreedyChatEqualsGenerateAtTemperatureZero()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string messages = Path.Combine(temp.Path, "messages.json");
        File.WriteAllText(messages, $$"""[{"role":"user","content":{{JsonSerializer.Serialize(Question)}}}]""");
        (int exit, string output, string error) = CliRunner.Run("generate", "-m", models.Model, "--messages", messages, "--temperature", "0", "--max-tokens", "16", "--think-budget", "5", "--json", "--context", "256", "--threads", "2");
        Assert.True(exit == 0, error);
        using JsonDocument generated = JsonDocument.Parse(output);

        await using EdgeLlmServer server = await models.StartAsync();
        using var client = new ServerClient(server.Address);
        (HttpStatusCode status, JsonElement reply) = await client.PostAsync("/v1/chat/completions", ServerClient.Chat(Question, 16, ""","think_budget":5"""));

        Assert.Equal(HttpStatusCode.OK, status);
        JsonElement message = reply.GetProperty("choices")[0].GetProperty("message");
        string reasoning = generated.RootElement.GetProperty("reasoning").GetString()!;
        string answer = generated.RootElement.GetProperty("answer").GetString()!;
        Assert.NotEqual("", reasoning);
        Assert.NotEqual("", answer);
        Assert.Equal(reasoning, message.GetProperty("reasoning_content").GetString());
        Assert.Equal(answer, message.GetProperty("content").GetString());
        Assert.Equal("length", reply.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        JsonElement usage = reply.GetProperty("usage");
        Assert.Equal(generated.RootElement.GetProperty("prompt_ids").GetArrayLength(), usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(16, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(usage.GetProperty("prompt_tokens").GetInt32() + 16, usage.GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task StreamIsFramedAsServerSentEventsAndEqualsTheWholeReply()
    {
        await using EdgeLlmServer server = await models.StartAsync();
        using var client = new ServerClient(server.Address);
        (_, JsonElement whole) = await client.PostAsync("/v1/chat/completions", ServerClient.Chat(Question, 14, ""","think_budget":4"""));

        string raw = await ServerClient.RawAsync(server.Address, ServerClient.RawPost("/v1/chat/completions", ServerClient.Chat(Question, 14, ""","think_budget":4,"stream":true,"stream_options":{"include_usage":true}""")), TimeSpan.FromSeconds(60));

        int split = raw.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        string headers = raw[..split];
        Assert.StartsWith("HTTP/1.1 200", headers, StringComparison.Ordinal);
        Assert.Contains("Content-Type: text/event-stream", headers, StringComparison.Ordinal);
        string body = raw[(split + 4)..];
        Assert.EndsWith("\n\ndata: [DONE]\n\n", body, StringComparison.Ordinal);
        string[] events = body[..^"\n\n".Length].Split("\n\n");
        Assert.All(events, item => Assert.StartsWith("data: ", item, StringComparison.Ordinal));
        Assert.All(events, item => Assert.DoesNotContain('\n', item));
        List<JsonElement> chunks = [.. events[..^1].Select(item => JsonDocument.Parse(item["data: ".Length..]).RootElement.Clone())];
        Assert.Equal("assistant", chunks[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        var content = new StringBuilder();
        var reasoning = new StringBuilder();
        foreach (JsonElement chunk in chunks[..^2])
        {
            Assert.Equal("chat.completion.chunk", chunk.GetProperty("object").GetString());
            JsonElement choice = chunk.GetProperty("choices")[0];
            Assert.Equal(JsonValueKind.Null, choice.GetProperty("finish_reason").ValueKind);
            JsonElement delta = choice.GetProperty("delta");
            content.Append(delta.TryGetProperty("content", out JsonElement c) ? c.GetString() : string.Empty);
            reasoning.Append(delta.TryGetProperty("reasoning_content", out JsonElement r) ? r.GetString() : string.Empty);
        }

        Assert.Equal("length", chunks[^2].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Empty(chunks[^1].GetProperty("choices").EnumerateArray());
        JsonElement message = whole.GetProperty("choices")[0].GetProperty("message");
        Assert.Equal(message.GetProperty("content").GetString(), content.ToString());
        Assert.Equal(message.GetProperty("reasoning_content").GetString(), reasoning.ToString());
        Assert.Equal(14, chunks[^1].GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.True(chunks.Select(chunk => chunk.GetProperty("id").GetString()).Distinct().Count() == 1, "one id for every chunk of a reply");
    }

    [Fact]
    public async Task StopEndsTheReplyBeforeTheStopStringAndReasoningFormatNoneKeepsItAllInContent()
    {
        await using EdgeLlmServer server = await models.StartAsync();
        using var client = new ServerClient(server.Address);
        (_, JsonElement full) = await client.PostAsync("/v1/chat/completions", ServerClient.Chat(Question, 24, ""","reasoning_format":"none" """));
        JsonElement fullMessage = full.GetProperty("choices")[0].GetProperty("message");
        string text = fullMessage.GetProperty("content").GetString()!;
        Assert.False(fullMessage.TryGetProperty("reasoning_content", out _));
        Assert.True(text.Length > 12, text);
        string stop = text.Substring(text.Length / 2, 3);
        string expected = text[..text.IndexOf(stop, StringComparison.Ordinal)];

        (HttpStatusCode status, JsonElement stopped) = await client.PostAsync("/v1/chat/completions", ServerClient.Chat(Question, 24, $$""","reasoning_format":"none","stop":["NEVER-THERE",{{JsonSerializer.Serialize(stop)}}]"""));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(expected, stopped.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("stop", stopped.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.True(stopped.GetProperty("usage").GetProperty("completion_tokens").GetInt32() < 24);
    }

    [Fact]
    public async Task PresencePenaltyReachesTheSampler()
    {
        await using EdgeLlmServer server = await models.StartAsync();
        using var client = new ServerClient(server.Address);

        (_, JsonElement plain) = await client.PostAsync("/v1/chat/completions", ServerClient.Chat(Question, 24, ""","reasoning_format":"none" """));
        (HttpStatusCode status, JsonElement repeating) = await client.PostAsync("/v1/chat/completions", ServerClient.Chat(Question, 24, ""","reasoning_format":"none","presence_penalty":-2,"frequency_penalty":-2"""));
        (_, JsonElement again) = await client.PostAsync("/v1/chat/completions", ServerClient.Chat(Question, 24, ""","reasoning_format":"none","presence_penalty":0,"frequency_penalty":0"""));

        Assert.Equal(HttpStatusCode.OK, status);
        string Text(JsonElement reply) => reply.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
        // Negative penalties reward what was already drawn: the greedy reply changes (and repeats itself); 0 is the plain reply.
        Assert.NotEqual(Text(plain), Text(repeating));
        Assert.Equal(Text(plain), Text(again));
    }

    [Fact]
    public async Task NextTurnReusesTheCachedPrefixAndEarlierReasoningIsDropped()
    {
        await using EdgeLlmServer server = await models.StartAsync();
        using var client = new ServerClient(server.Address);
        (_, JsonElement first) = await client.PostAsync("/v1/chat/completions", ServerClient.Chat(Question, 6));
        int firstPrompt = first.GetProperty("usage").GetProperty("prompt_tokens").GetInt32();

        string turn(string reasoning) => $$"""{"messages":[{"role":"user","content":"{{Question}}"},{"role":"assistant","content":"4",{{reasoning}}"_":0},{"role":"user","content":"And 3+3?"}],"temperature":0,"max_tokens":4}""";
        (HttpStatusCode status, JsonElement second) = await client.PostAsync("/v1/chat/completions", turn("\"reasoning_content\":\"SECRET THOUGHTS THAT ARE LONG\","));
        (_, JsonElement again) = await client.PostAsync("/v1/chat/completions", turn(string.Empty));

        Assert.Equal(HttpStatusCode.OK, status);
        JsonElement usage = second.GetProperty("usage");
        int cached = usage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32();
        Assert.InRange(cached, firstPrompt - 2, usage.GetProperty("prompt_tokens").GetInt32() - 1);
        Assert.Equal(usage.GetProperty("prompt_tokens").GetInt32(), again.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(usage.GetProperty("prompt_tokens").GetInt32() - 1, again.GetProperty("usage").GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
        Assert.Equal(second.GetProperty("choices")[0].GetProperty("message").GetRawText(), again.GetProperty("choices")[0].GetProperty("message").GetRawText());
    }

    [Fact]
    public async Task CompletionsContinuesARawPrompt()
    {
        await using EdgeLlmServer server = await models.StartAsync();
        using var client = new ServerClient(server.Address);

        (HttpStatusCode status, JsonElement reply) = await client.PostAsync("/v1/completions", """{"prompt":"Once upon a time","temperature":0,"max_tokens":5}""");
        string raw = await ServerClient.RawAsync(server.Address, ServerClient.RawPost("/v1/completions", """{"prompt":["Once upon a time"],"temperature":0,"max_tokens":5,"stream":true}"""), TimeSpan.FromSeconds(60));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("text_completion", reply.GetProperty("object").GetString());
        Assert.Equal("length", reply.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(5, reply.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        string streamed = string.Concat(raw[(raw.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..].Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Where(item => item != "data: [DONE]")
            .Select(item => JsonDocument.Parse(item["data: ".Length..]).RootElement.GetProperty("choices")[0].GetProperty("text").GetString()));
        Assert.Equal(reply.GetProperty("choices")[0].GetProperty("text").GetString(), streamed);
    }

    public static TheoryData<string, string, string> BadRequests => new()
    {
        { "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}", "invalid_request_error", "not valid JSON" },
        { "[1,2]", "invalid_request_error", "must be a JSON object" },
        { "", "invalid_request_error", "body is empty" },
        { "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"temperature\":\"hot\"}", "invalid_request_error", "$.temperature" },
        { "{\"messages\":\"hello\"}", "invalid_request_error", "$.messages" },
        { "{\"messages\":[]}", "invalid_request_error", "'messages'" },
        { "{\"messages\":[{\"role\":\"robot\",\"content\":\"x\"}]}", "invalid_request_error", "'messages[0].role' is 'robot'" },
        { "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\"}]}]}", "invalid_request_error", "messages[0].content" },
        { "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":-5}", "invalid_request_error", "'max_tokens' must be at least 1" },
        { "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":99999999999}", "invalid_request_error", "$.max_tokens" },
        { "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_completion_tokens\":100000}", "invalid_request_error", "'max_tokens' is 100000, more than the server's whole context of 256 tokens" },
        { "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"temperature\":-1}", "invalid_request_error", "'temperature'" },
        { "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"top_p\":0}", "invalid_request_error", "'top_p'" },
        { "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"top_k\":-1}", "invalid_request_error", "'top_k'" },
        { "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"n\":3}", "invalid_request_error", "'n' is 3" },
        { "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"stop\":[1]}", "invalid_request_error", "'stop'" },
        { "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"presence_penalty\":2.5}", "invalid_request_error", "'presence_penalty' must be in [-2, 2]" },
        { "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"frequency_penalty\":-3}", "invalid_request_error", "'frequency_penalty' must be in [-2, 2]" },
        { "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"think_budget\":-1}", "invalid_request_error", "'think_budget'" },
        { "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"reasoning_format\":\"raw\"}", "invalid_request_error", "'reasoning_format'" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task EachBadRequestGetsAnOpenAiErrorAndTheServerKeepsServing(string body, string type, string messagePart)
    {
        await using EdgeLlmServer server = await models.StartAsync();
        using var client = new ServerClient(server.Address);

        (HttpStatusCode status, JsonElement error) = await client.PostAsync("/v1/chat/completions", body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        JsonElement detail = error.GetProperty("error");
        Assert.Equal(type, detail.GetProperty("type").GetString());
        Assert.Contains(messagePart, detail.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.True(detail.TryGetProperty("code", out _));
        (status, JsonElement reply) = await client.PostAsync("/v1/chat/completions", ServerClient.Chat(Question, 2));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, reply.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task APromptLongerThanTheContextIsExceedContextSizeError()
    {
        await using EdgeLlmServer server = await models.StartAsync();
        using var client = new ServerClient(server.Address);

        (HttpStatusCode status, JsonElement error) = await client.PostAsync("/v1/chat/completions", ServerClient.Chat(string.Join(' ', Enumerable.Repeat("apple", 400)), 4));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        JsonElement detail = error.GetProperty("error");
        Assert.Equal("exceed_context_size_error", detail.GetProperty("type").GetString());
        Assert.Equal(ServerModels.Context, detail.GetProperty("n_ctx").GetInt32());
        Assert.InRange(detail.GetProperty("n_prompt_tokens").GetInt32(), 400, 420);
        Assert.Contains($"{detail.GetProperty("n_prompt_tokens").GetInt32()} tokens", detail.GetProperty("message").GetString(), StringComparison.Ordinal);
        (status, _) = await client.PostAsync("/v1/chat/completions", ServerClient.Chat(Question, 2));
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task OversizeBodiesAre413AndUnknownPathsAre404()
    {
        await using EdgeLlmServer server = await models.StartAsync(options => options with { MaxBodyBytes = 64 * 1024 });
        using var client = new ServerClient(server.Address);
        string big = ServerClient.Chat(new string('a', 70 * 1024), 2);

        (HttpStatusCode status, JsonElement error) = await client.PostAsync("/v1/chat/completions", big);
        string chunked = await ServerClient.RawAsync(server.Address, $"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n{70 * 1024:x}\r\n{big[..(70 * 1024)]}\r\n0\r\n\r\n", TimeSpan.FromSeconds(30));
        (HttpStatusCode missing, JsonElement notFound) = await client.GetAsync("/v1/engines");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("request_too_large", error.GetProperty("error").GetProperty("code").GetString());
        Assert.StartsWith("HTTP/1.1 413", chunked, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, missing);
        Assert.Equal("not_found", notFound.GetProperty("error").GetProperty("code").GetString());
        (status, _) = await client.PostAsync("/v1/chat/completions", ServerClient.Chat(Question, 2));
        Assert.Equal(HttpStatusCode.OK, status);
    }
}
