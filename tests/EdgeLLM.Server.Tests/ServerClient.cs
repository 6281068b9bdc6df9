using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace EdgeLLM.Server.Tests;

/// <summary>HTTP against a test server on loopback: JSON requests through HttpClient, and raw bytes over a socket.</summary>
internal sealed class ServerClient(Uri address, string? apiKey = null) : IDisposable
{
    public Uri Address { get; } = address;

    private readonly HttpClient http = new() { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };

    public async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (apiKey is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", apiKey);
        }

        using HttpResponseMessage response = await http.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string path)
    {
        using HttpResponseMessage response = await http.GetAsync(path);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    /// <summary>A chat request body: one user message, greedy, with extra JSON fields appended.</summary>
    public static string Chat(string question, int maxTokens, string extra = "")
        => $$"""{"model":"tiny-r1-qwen2","messages":[{"role":"user","content":{{JsonSerializer.Serialize(question)}}}],"temperature":0,"max_tokens":{{maxTokens}}{{extra}}}""";

    /// <summary>Sends raw bytes (an HTTP/1.0 request: the reply is not chunked, the server closes) and reads everything back.</summary>
    public static async Task<string> RawAsync(Uri address, string request, TimeSpan timeout)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, address.Port);
        using NetworkStream stream = client.GetStream();
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request));
        using var cancel = new CancellationTokenSource(timeout);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, cancel.Token);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static string RawPost(string path, string body, string extraHeaders = "")
        => $"POST {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n{extraHeaders}Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}";

    public void Dispose() => http.Dispose();
}
