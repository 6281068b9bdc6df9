using System.CommandLine;
using EdgeLLM.Format;
using EdgeLLM.Devices.Planning;
using EdgeLLM.Runtime.Chat;
using EdgeLLM.Runtime.Model;
using EdgeLLM.Tui;
using EdgeLLM.Tui.Models;

namespace EdgeLLM.Cli.Commands;

/// <summary><c>edgellm chat</c> (and <c>edgellm</c> with no arguments): the full-screen chat text UI.</summary>
public static class ChatCommand
{
    public static Command Create()
    {
        var command = new Command("chat", "Chat with a model in a full-screen text UI (works over SSH, 80x24, 16 colours).");
        var model = new ModelOption("Model folder (holding edgellm.json) or the name of one found; default: pick from the models found", required: false);
        var runOptions = new RunOptions();
        model.AddTo(command);
        runOptions.AddTo(command);
        command.SetAction(parse => CommandErrors.Run("chat", () => Run(model.Given(parse), runOptions.Read(parse))));
        return command;
    }

    /// <summary>
    /// Opens the chat; with no model the models found are offered. Each model is planned for before it
    /// loads (<see cref="RunPlanning"/>); a model given with --model is planned before the screen opens,
    /// so a refusal is one line on stderr.
    /// </summary>
    public static int Run(string? modelFolder, RunRequest request) => CommandErrors.Run("chat", () =>
    {
        if (Console.IsInputRedirected || Console.IsOutputRedirected)
        {
            throw new EdgeLlmException("the chat needs a terminal: standard input and output must not be redirected");
        }

        string? model = null;
        if (modelFolder is not null)
        {
            model = Path.GetFullPath(ModelChecks.Resolve(modelFolder));
            if (!File.Exists(Path.Combine(model, ModelCatalog.ManifestName)))
            {
                throw new FileNotFoundException($"{model}: no {ModelCatalog.ManifestName} here (convert a model with 'edgellm quantize')");
            }

            RunPlanning.Plan(model, request);
        }

        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var options = new ChatAppOptions
        {
            OpenSession = (folder, settings, notice) => OpenEngine(folder, request, settings, notice),
            ModelFolder = model,
            ModelSearchFolders = ModelCatalog.DefaultSearchFolders(AppContext.BaseDirectory, home),
            SessionSettings = new SessionSettings(),
            DescribeDevice = DescribeDevice,
        };
        return ChatApp.Run(options);
    });

    /// <summary>Exactly what <c>edgellm devices</c> prints, captured for the device dialog.</summary>
    private static string DescribeDevice()
    {
        using var text = new StringWriter();
        TextWriter output = Console.Out;
        TextWriter error = Console.Error;
        Console.SetOut(text);
        Console.SetError(text);
        try
        {
            DevicesCommand.Create().Parse([]).Invoke();
        }
        finally
        {
            Console.SetOut(output);
            Console.SetError(error);
        }

        return text.ToString().TrimEnd();
    }

    /// <summary>Plans for the model (a context set in the chat's settings wins over --context), then opens it.</summary>
    private static IChatSession OpenEngine(string modelFolder, RunRequest request, SessionSettings settings, Action<string> notice)
    {
        RunRequest forModel = settings.ContextLength > 0 ? request with { Context = settings.ContextLength } : request;
        (RunPlan plan, SessionSettings planned) = RunPlanning.Plan(modelFolder, forModel);
        foreach (string warning in plan.Warnings)
        {
            notice(warning);
        }

        return ModelChecks.Open(modelFolder, planned with { VerifyChecksums = settings.VerifyChecksums }, checkedSettings => ChatSession.Open(modelFolder, checkedSettings, notice));
    }
}
