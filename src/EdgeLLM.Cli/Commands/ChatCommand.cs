using System.CommandLine;
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
        var modelOption = new Option<string?>("--model", "-m") { Description = "Model folder (holding edgellm.json) or the name of one found; default: pick from the models found" };
        var threadsOption = new Option<int>("--threads") { Description = "Inference threads (default: one per physical core)" };
        command.Options.Add(modelOption);
        command.Options.Add(threadsOption);
        command.SetAction(parse => Run(parse.GetValue(modelOption), parse.GetValue(threadsOption)));
        return command;
    }

    /// <summary>Opens the chat; with no model the models found are offered.</summary>
    public static int Run(string? modelFolder, int threads) => CommandErrors.Run("chat", () =>
    {
        if (Console.IsInputRedirected || Console.IsOutputRedirected)
        {
            throw new InvalidOperationException("the chat needs a terminal: standard input and output must not be redirected");
        }

        if (threads < 0)
        {
            throw new ArgumentException($"--threads must be 0 or more, not {threads}");
        }

        string? model = null;
        if (modelFolder is not null)
        {
            model = Path.GetFullPath(ModelChecks.Resolve(modelFolder));
            if (!File.Exists(Path.Combine(model, ModelCatalog.ManifestName)))
            {
                throw new FileNotFoundException($"{model}: no {ModelCatalog.ManifestName} here (convert a model with 'edgellm quantize')");
            }
        }

        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var options = new ChatAppOptions
        {
            OpenSession = OpenEngine,
            ModelFolder = model,
            ModelSearchFolders = ModelCatalog.DefaultSearchFolders(AppContext.BaseDirectory, home),
            SessionSettings = new SessionSettings { Threads = threads },
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

    private static IChatSession OpenEngine(string modelFolder, SessionSettings settings, Action<string> notice)
        => ModelChecks.Open(modelFolder, settings, checkedSettings => ChatSession.Open(modelFolder, checkedSettings, notice));
}
