using EdgeLLM.Server.Engine;

namespace EdgeLLM.Server;

/// <summary>What the endpoints share: the options, the model once loaded, the queue and the shutdown signal.</summary>
internal sealed class ServerState(ServerOptions options)
{
    private volatile ModelRunner? runner;

    public ServerOptions Options { get; } = options;

    public RequestQueue Queue { get; } = new(options.MaxQueue);

    /// <summary>Cancelled when in-flight work must stop (a grace period after Ctrl-C or SIGTERM).</summary>
    public CancellationTokenSource Stopping { get; } = new();

    /// <summary>Null while the model loads.</summary>
    public ModelRunner? Runner
    {
        get => runner;
        set => runner = value;
    }
}
