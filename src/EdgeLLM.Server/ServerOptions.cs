using System.Net;
using EdgeLLM.Format;

namespace EdgeLLM.Server;

/// <summary>
/// How <c>edgellm serve</c> listens and what it allows. Safe by default: loopback only, no CORS, bounded bodies,
/// headers and queue. <see cref="Check"/> refuses an address other than loopback without an API key.
/// </summary>
public sealed record ServerOptions
{
    public const int DefaultPort = 8080;

    /// <summary>The IP address to listen on (or "localhost"); anything but loopback needs an API key.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>TCP port; 0 picks a free one (tests).</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>Bearer key every request but GET /health must carry; null: none.</summary>
    public string? ApiKey { get; init; }

    /// <summary>The one origin browsers may call from (CORS); null: CORS off.</summary>
    public string? CorsOrigin { get; init; }

    /// <summary>Requests that may wait while one runs; one more gets 429.</summary>
    public int MaxQueue { get; init; } = 16;

    /// <summary>The model id in /v1/models and replies (default: the model folder's name).</summary>
    public required string ModelId { get; init; }

    /// <summary>Server-wide reasoning format: true = deepseek (reasoning_content apart), false = none.</summary>
    public bool SplitReasoning { get; init; } = true;

    /// <summary>Largest request body in bytes (413 above).</summary>
    public long MaxBodyBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>Largest total size of a request's headers in bytes (431 above).</summary>
    public int MaxHeaderBytes { get; init; } = 32 * 1024;

    /// <summary>How long a client may take to send its request headers (slow clients are cut off).</summary>
    public TimeSpan HeadersTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Open connections at most.</summary>
    public int MaxConnections { get; init; } = 128;

    /// <summary>On Ctrl-C or SIGTERM, in-flight work may finish for this long before it is cancelled.</summary>
    public TimeSpan ShutdownGrace { get; init; } = TimeSpan.FromSeconds(1.5);

    /// <summary>The address to bind, checked: one line (<see cref="EdgeLLM.Format.EdgeLlmException"/>) for a bad value or a refused one.</summary>
    public IPAddress Check()
    {
        if (Port is < 0 or > 65535)
        {
            throw new EdgeLlmException($"port must be 0 to 65535, not {Port}");
        }

        if (MaxQueue is < 0 or > 10_000)
        {
            throw new EdgeLlmException($"max queue must be 0 to 10000, not {MaxQueue}");
        }

        if (ApiKey is { } key && (key.Length == 0 || key.Any(char.IsWhiteSpace)))
        {
            throw new EdgeLlmException("the API key must be non-empty and hold no spaces");
        }

        IPAddress address = Host == "localhost" ? IPAddress.Loopback
            : IPAddress.TryParse(Host, out IPAddress? parsed) ? parsed
            : throw new EdgeLlmException($"host '{Host}' is not an IP address (use 127.0.0.1, ::1, a LAN address or 0.0.0.0)");
        if (!IPAddress.IsLoopback(address) && ApiKey is null)
        {
            throw new EdgeLlmException($"host {Host} would let other machines use the model: give an API key too (or keep the default 127.0.0.1)");
        }

        return address;
    }

    /// <summary>True when the server is reachable from other machines (a warning is printed).</summary>
    public bool IsExposed => !IPAddress.IsLoopback(Check());
}
