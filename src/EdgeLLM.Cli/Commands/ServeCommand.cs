using System.CommandLine;
using EdgeLLM.Format;
using EdgeLLM.Devices.Planning;
using EdgeLLM.Format.Providers;
using EdgeLLM.Runtime.Model;
using EdgeLLM.Server;
using EdgeLLM.Server.Engine;

namespace EdgeLLM.Cli.Commands;

/// <summary>
/// <c>edgellm serve</c>: the OpenAI-compatible HTTP server (src/EdgeLLM.Server) for one model. Planned exactly like
/// generate (same run options, same one-line refusals before load); listens on 127.0.0.1 unless told otherwise,
/// and another address needs an API key. Exit 0 after Ctrl-C or SIGTERM.
/// </summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var model = new ModelOption("EdgeLLM model folder, or the name of one found in a kit's models/ or ~/.edgellm/models");
        var hostOption = new Option<string>("--host") { Description = "Address to listen on; anything but loopback needs --api-key", DefaultValueFactory = _ => "127.0.0.1" };
        var portOption = new Option<int>("--port") { Description = "TCP port", DefaultValueFactory = _ => ServerOptions.DefaultPort };
        var apiKeyOption = new Option<string?>("--api-key") { Description = "Key every request must send as 'Authorization: Bearer KEY' (GET /health excepted)" };
        var apiKeyFileOption = new Option<string?>("--api-key-file") { Description = "Read the API key from the first line of this file (keeps it out of the process list)" };
        var corsOption = new Option<string?>("--cors-origin") { Description = "Allow browser pages from this origin (e.g. http://localhost:3000) to call the server; default: CORS off" };
        var maxQueueOption = new Option<int>("--max-queue") { Description = "Requests that may wait while one runs (one more gets HTTP 429)", DefaultValueFactory = _ => 16 };
        var aliasOption = new Option<string?>("--alias") { Description = "Model id in /v1/models and replies (default: the model folder's name)" };
        var reasoningOption = new Option<string>("--reasoning-format") { Description = "deepseek: reasoning in reasoning_content apart from content; none: all in content (a request may choose with 'reasoning_format')", HelpName = "deepseek|none", DefaultValueFactory = _ => "deepseek" };
        var verifyOption = new Option<bool>("--verify") { Description = "Re-hash the model files against edgellm.json before loading" };
        var runOptions = new RunOptions();
        var command = new Command("serve", "Serve a model over an OpenAI-compatible HTTP API (chat completions, completions, models, health)");
        model.AddTo(command);
        foreach (Option option in new Option[] { hostOption, portOption, apiKeyOption, apiKeyFileOption, corsOption, maxQueueOption, aliasOption, reasoningOption, verifyOption })
        {
            command.Options.Add(option);
        }

        runOptions.AddTo(command);
        command.SetAction(parse => CommandErrors.Run("serve", () =>
        {
            string modelFolder = model.Resolve(parse);
            var options = new ServerOptions
            {
                Host = parse.GetValue(hostOption)!,
                Port = parse.GetValue(portOption),
                ApiKey = ReadApiKey(parse.GetValue(apiKeyOption), parse.GetValue(apiKeyFileOption)),
                CorsOrigin = CheckOrigin(parse.GetValue(corsOption)),
                MaxQueue = parse.GetValue(maxQueueOption),
                ModelId = parse.GetValue(aliasOption) is { Length: > 0 } alias ? alias : Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(modelFolder))),
                SplitReasoning = parse.GetValue(reasoningOption) switch
                {
                    "deepseek" => true,
                    "none" => false,
                    var other => throw new EdgeLlmException($"--reasoning-format must be deepseek or none, not '{other}'"),
                },
            };
            options.Check();
            (RunPlan plan, SessionSettings settings) = RunPlanning.Plan(modelFolder, runOptions.Read(parse));
            foreach (string warning in plan.Warnings)
            {
                Console.Error.WriteLine($"edgellm serve: {warning}");
            }

            settings = settings with { VerifyChecksums = parse.GetValue(verifyOption) };
            return Serve(modelFolder, options, settings);
        }));
        return command;
    }

    private static int Serve(string modelFolder, ServerOptions options, SessionSettings settings)
    {
        static void Log(string line) => Console.Error.WriteLine($"edgellm serve: {line}");
        if (options.IsExposed)
        {
            Log($"warning: listening on {options.Host}: other machines on this network can reach the model (with the API key)");
        }

        EdgeLlmServer server = EdgeLlmServer.StartAsync(
            options,
            () => ModelChecks.Open(modelFolder, settings, checkedSettings => ModelRunner.Open(modelFolder, checkedSettings, Log)),
            Log).GetAwaiter().GetResult();
        try
        {
            Log($"listening on {server.Address} (model '{options.ModelId}' loading; GET /health says ok when ready; Ctrl-C stops)");
            server.Loaded.ContinueWith(
                loaded =>
                {
                    if (server.LoadError is null)
                    {
                        Log($"ready: {options.ModelId}, context {settings.ContextLength} tokens, {settings.Threads} threads, {settings.ExecutionProvider}");
                    }
                },
                TaskScheduler.Default);
            server.WaitForShutdownAsync().GetAwaiter().GetResult();
        }
        finally
        {
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        if (server.LoadError is not null)
        {
            return CommandErrors.Failure;
        }

        Log("stopped");
        return 0;
    }

    private static string? ReadApiKey(string? key, string? file)
    {
        if (key is not null && file is not null)
        {
            throw new EdgeLlmException("give --api-key or --api-key-file, not both");
        }

        if (file is null)
        {
            return key;
        }

        string line = File.ReadLines(file).FirstOrDefault()?.Trim() ?? string.Empty;
        return line.Length > 0 ? line : throw new EdgeLlmException($"{file}: the API key file is empty");
    }

    private static string? CheckOrigin(string? origin)
    {
        if (origin is null)
        {
            return null;
        }

        return Uri.TryCreate(origin, UriKind.Absolute, out Uri? uri) && uri.Scheme is "http" or "https" && uri.AbsolutePath == "/"
            ? origin.TrimEnd('/')
            : throw new EdgeLlmException($"--cors-origin '{origin}' must be an origin such as http://localhost:3000 (scheme, host and port, no path)");
    }
}
