using System.Net;
using System.Text.Json;
using EdgeLLM.Server.Engine;
using EdgeLLM.Server.Http;
using EdgeLLM.Server.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeLLM.Server;

/// <summary>
/// The OpenAI-compatible HTTP server: Kestrel with minimal APIs (<c>CreateSlimBuilder</c>), listening before the
/// model is loaded (GET /health says 503 until then). Ctrl-C or SIGTERM stop accepting at once, let in-flight work
/// finish for <see cref="ServerOptions.ShutdownGrace"/>, then cancel it.
/// </summary>
public sealed class EdgeLlmServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ServerState state;
    private readonly Task loading;

    private EdgeLlmServer(WebApplication app, ServerState state, Func<ModelRunner> load, Action<string> log)
    {
        this.app = app;
        this.state = state;
        Address = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
        app.Lifetime.ApplicationStopping.Register(() => state.Stopping.CancelAfter(state.Options.ShutdownGrace));
        loading = Task.Run(() =>
        {
            try
            {
                state.Runner = load();
            }
            catch (Exception exception)
            {
                LoadError = exception;
                log($"error: the model did not load: {exception.Message.ReplaceLineEndings(" ")}");
                app.Lifetime.StopApplication();
            }
        });
    }

    /// <summary>Where the server listens (the real port when 0 was asked for).</summary>
    public Uri Address { get; }

    /// <summary>Why the model did not load, or null.</summary>
    public Exception? LoadError { get; private set; }

    /// <summary>Completes once the model is loaded (or failed to).</summary>
    public Task Loaded => loading;

    /// <summary>
    /// Starts listening (an address in use or a refused host throws with one line) and loads the model in the background.
    /// </summary>
    public static async Task<EdgeLlmServer> StartAsync(ServerOptions options, Func<ModelRunner> load, Action<string> log)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(load);
        ArgumentNullException.ThrowIfNull(log);
        IPAddress address = options.Check();
        var state = new ServerState(options);

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        // Nothing from the environment, files or arguments may change where or how this server listens.
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.ShutdownGrace + TimeSpan.FromSeconds(0.4));
        builder.Services.Configure<ConsoleLifetimeOptions>(lifetime => lifetime.SuppressStatusMessages = true);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(address, options.Port);
            kestrel.Limits.MaxRequestBodySize = options.MaxBodyBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = options.MaxHeaderBytes;
            kestrel.Limits.MaxRequestHeaderCount = 64;
            kestrel.Limits.MaxRequestLineSize = 8 * 1024;
            kestrel.Limits.RequestHeadersTimeout = options.HeadersTimeout;
            kestrel.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(60);
            kestrel.Limits.MaxConcurrentConnections = options.MaxConnections;
        });
        if (options.CorsOrigin is not null)
        {
            builder.Services.AddCors();
        }

        WebApplication app = builder.Build();
        app.Use(ErrorResponses.CatchAsync);
        if (options.CorsOrigin is { } origin)
        {
            app.UseCors(policy => policy.WithOrigins(origin).AllowAnyHeader().WithMethods("GET", "POST"));
        }

        if (options.ApiKey is { } key)
        {
            app.Use(new ApiKeyCheck(key).InvokeAsync);
        }

        var completions = new CompletionEndpoints(state);
        app.MapGet("/health", context => Health(context, state));
        app.MapGet("/v1/models", context => Models(context, state));
        app.MapGet("/models", context => Models(context, state));
        app.MapPost("/v1/chat/completions", completions.ChatAsync);
        app.MapPost("/chat/completions", completions.ChatAsync);
        app.MapPost("/v1/completions", completions.TextAsync);
        app.MapPost("/completions", completions.TextAsync);
        app.MapFallback(ErrorResponses.NotFoundAsync);

        await app.StartAsync().ConfigureAwait(false);
        return new EdgeLlmServer(app, state, load, log);
    }

    /// <summary>Returns when the server has stopped (Ctrl-C, SIGTERM, <see cref="StopAsync"/> or a failed load).</summary>
    public Task WaitForShutdownAsync() => app.WaitForShutdownAsync();

    /// <summary>Stops accepting, lets in-flight work finish for the grace period, then cancels it.</summary>
    public Task StopAsync() => app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync().ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
        try
        {
            await loading.ConfigureAwait(false);
        }
        finally
        {
            state.Runner?.Dispose();
            state.Stopping.Dispose();
        }
    }

    private static Task Health(HttpContext context, ServerState state)
    {
        if (state.Runner is null)
        {
            return ErrorResponses.WriteAsync(context, ErrorResponses.Unavailable("the model is loading", "loading"));
        }

        return JsonSerializer.SerializeAsync(context.Response.Body, new HealthStatus("ok"), ServerJsonContext.Web.HealthStatus, context.RequestAborted);
    }

    private static Task Models(HttpContext context, ServerState state)
    {
        ModelRunner runner = state.Runner ?? throw ErrorResponses.Unavailable("the model is still loading; retry when GET /health says ok", "loading");
        var list = new ModelList("list", [new ModelCard(state.Options.ModelId, "model", DateTimeOffset.UtcNow.ToUnixTimeSeconds(), "edgellm", runner.ContextLength)]);
        context.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(context.Response.Body, list, ServerJsonContext.Web.ModelList, context.RequestAborted);
    }
}
