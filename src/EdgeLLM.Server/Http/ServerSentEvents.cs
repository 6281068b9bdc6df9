using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace EdgeLLM.Server.Http;

/// <summary>An SSE reply as OpenAI streams it: "data: {json}\n\n" per event, flushed at once, "data: [DONE]\n\n" at the end.</summary>
internal sealed class ServerSentEvents(HttpResponse response)
{
    private static readonly byte[] Prefix = "data: "u8.ToArray();
    private static readonly byte[] Separator = "\n\n"u8.ToArray();
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    public async Task StartAsync(CancellationToken cancellation)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        await response.StartAsync(cancellation).ConfigureAwait(false);
    }

    public async Task WriteAsync<T>(T value, JsonTypeInfo<T> type, CancellationToken cancellation)
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(value, type);
        await response.Body.WriteAsync(Prefix, cancellation).ConfigureAwait(false);
        await response.Body.WriteAsync(json, cancellation).ConfigureAwait(false);
        await response.Body.WriteAsync(Separator, cancellation).ConfigureAwait(false);
        await response.Body.FlushAsync(cancellation).ConfigureAwait(false);
    }

    public async Task DoneAsync(CancellationToken cancellation)
    {
        await response.Body.WriteAsync(Done, cancellation).ConfigureAwait(false);
        await response.Body.FlushAsync(cancellation).ConfigureAwait(false);
    }
}
