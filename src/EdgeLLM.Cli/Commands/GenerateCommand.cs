using System.CommandLine;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using EdgeLLM.Format;
using EdgeLLM.Devices.Planning;
using EdgeLLM.Runtime.Chat;
using EdgeLLM.Runtime.Diagnostics;
using EdgeLLM.Runtime.Engines;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Model;

namespace EdgeLLM.Cli.Commands;

/// <summary>
/// <c>edgellm generate</c>: one prompt in, streamed text out (answer to stdout, reasoning to stderr),
/// or one JSON object with ids, text and speed figures.
/// </summary>
public static class GenerateCommand
{
    public static Command Create()
    {
        var model = new ModelOption("EdgeLLM model folder (made by 'edgellm quantize'), or the name of one found in a kit's models/ or ~/.edgellm/models");
        var promptOption = new Option<string?>("--prompt", "-p") { Description = "Prompt text (or --prompt-file, --messages, or standard input)" };
        var promptFileOption = new Option<string?>("--prompt-file") { Description = "Read the prompt from this UTF-8 file" };
        var messagesOption = new Option<string?>("--messages") { Description = "OpenAI-style JSON list of {role, content}; implies --chat" };
        var chatOption = new Option<bool>("--chat") { Description = "Wrap the prompt as a user message in the model's chat template" };
        var systemOption = new Option<string?>("--system") { Description = "System prompt (chat only)" };
        var maxTokensOption = new Option<int>("--max-tokens") { Description = "Most new tokens; 0 only renders and encodes the prompt", DefaultValueFactory = _ => 512 };
        var sampling = new SamplingOptions();
        var think = new ThinkOptions();
        var jsonOption = new Option<bool>("--json") { Description = "Print one JSON object (ids, text, reasoning, answer, stop reason, speeds) instead of streaming" };
        var runOptions = new RunOptions();
        var verifyOption = new Option<bool>("--verify") { Description = "Re-hash the model files against edgellm.json before loading (always done the first time a kit's model runs on this machine)" };
        var command = new Command("generate", "Generate text from a prompt or a conversation with an EdgeLLM model folder");
        model.AddTo(command);
        foreach (Option option in new Option[] { promptOption, promptFileOption, messagesOption, chatOption, systemOption, maxTokensOption })
        {
            command.Options.Add(option);
        }

        sampling.AddTo(command);
        think.AddTo(command);
        command.Options.Add(jsonOption);
        command.Options.Add(verifyOption);

        runOptions.AddTo(command);

        command.SetAction(parse => CommandErrors.Run("generate", () =>
        {
            string modelFolder = model.Resolve(parse);
            var settings = new ChatSettings
            {
                SystemPrompt = parse.GetValue(systemOption),
                MaxTokens = parse.GetValue(maxTokensOption) >= 0 ? parse.GetValue(maxTokensOption) : throw new EdgeLlmException("--max-tokens must be 0 or more"),
            };
            settings = think.ApplyTo(sampling.ApplyTo(settings, parse), parse);
            GenerationInput input = ReadInput(parse.GetValue(promptOption), parse.GetValue(promptFileOption), parse.GetValue(messagesOption), parse.GetValue(chatOption));
            bool json = parse.GetValue(jsonOption);
            if (settings.MaxTokens == 0)
            {
                return RenderOnly(modelFolder, input, settings, json);
            }

            (RunPlan plan, SessionSettings sessionSettings) = RunPlanning.Plan(modelFolder, runOptions.Read(parse));
            foreach (string warning in plan.Warnings)
            {
                Console.Error.WriteLine($"edgellm generate: {warning}");
            }

            return Generate(modelFolder, plan, sessionSettings with { VerifyChecksums = parse.GetValue(verifyOption) }, input, settings, json);
        }));
        return command;
    }

    private static int Generate(string modelFolder, RunPlan plan, SessionSettings sessionSettings, GenerationInput input, ChatSettings settings, bool json)
    {
        long loadStart = Stopwatch.GetTimestamp();
        using ChatSession chat = ModelChecks.Open(modelFolder, sessionSettings, checkedSettings => ChatSession.Open(modelFolder, checkedSettings, notice => Console.Error.WriteLine($"edgellm generate: {notice}")));
        double loadMs = Stopwatch.GetElapsedTime(loadStart).TotalMilliseconds;
        using var cancellation = new ConsoleCancellation();
        var output = new ReplyPrinter(json, settings.Think, Console.IsErrorRedirected);
        ChatReply reply = input.Messages is { } messages
            ? chat.Complete(messages, settings, output.Print, cancellation.Token)
            : chat.ContinueText(input.Text!, settings, output.Print, cancellation.Token);
        output.Finish();
        GenerationResult result = reply.Generation;
        if (json)
        {
            Console.Out.WriteLine(JsonText.Write(writer => WriteReply(writer, reply, loadMs, plan, chat.Model.Engine), indented: true));
        }
        else if (result.StopReason == StopReason.ContextFull)
        {
            Console.Error.WriteLine($"edgellm generate: context full ({chat.ContextUsed}/{chat.ContextLength} tokens): raise --context or shorten the prompt");
        }

        return result.StopReason == StopReason.Cancelled ? CommandErrors.Interrupted : 0;
    }

    private static string ReadPromptFile(string path)
        => Directory.Exists(path)
            ? throw new EdgeLlmException($"--prompt-file '{path}' is a folder, expected a UTF-8 text file")
            : File.ReadAllText(path, Encoding.UTF8);

    private static int RenderOnly(string modelFolder, GenerationInput input, ChatSettings settings, bool json)
    {
        PromptBuilder prompts = PromptBuilder.Load(modelFolder);
        using var cancellation = new ConsoleCancellation();
        IReadOnlyList<int> ids = input.Messages is { } messages
            ? prompts.EncodeRendered(prompts.Render(messages, settings, cancellation.Token))
            : prompts.EncodePlain(input.Text!);
        if (!json)
        {
            Console.Out.WriteLine(string.Join(' ', ids));
            return 0;
        }

        Console.Out.WriteLine(JsonText.Write(
            writer =>
            {
                writer.WriteStartObject();
                writer.WriteIds("prompt_ids", ids);
                writer.WriteIds("tokens", []);
                writer.WriteString("stop_reason", StopReason.MaxTokens.ToJsonName());
                writer.WriteEndObject();
            },
            indented: true));
        return 0;
    }

    private static void WriteReply(Utf8JsonWriter writer, ChatReply reply, double loadMs, RunPlan plan, IDecoderEngine session)
    {
        GenerationResult result = reply.Generation;
        writer.WriteStartObject();
        writer.WriteIds("prompt_ids", reply.PromptIds);
        writer.WriteIds("tokens", result.Tokens);
        writer.WriteString("text", reply.Text);
        writer.WriteString("reasoning", reply.Reasoning);
        writer.WriteString("answer", reply.Answer);
        writer.WriteString("stop_reason", result.StopReason.ToJsonName());
        writer.WriteNumber("prefill_tokens_per_s", Math.Round(result.PrefillTokensPerSecond, 2));
        writer.WriteNumber("decode_tokens_per_s", Math.Round(result.DecodeTokensPerSecond, 2));
        writer.WriteNumber("time_to_first_token_ms", Math.Round(result.TimeToFirstTokenMs, 1));
        writer.WriteNumber("decode_loop_overhead_percent", Math.Round(result.DecodeLoopOverheadPercent, 2));
        writer.WriteNumber("load_ms", Math.Round(loadMs, 1));
        writer.WriteNumber("peak_rss_mb", Math.Round(ProcessMemory.PeakResidentBytes() / (1024.0 * 1024.0), 1));
        writer.WriteNumber("rss_file_mb", Math.Round(ProcessMemory.FileResidentBytes() / (1024.0 * 1024.0), 1));
        writer.WriteNumber("rss_anon_mb", Math.Round(ProcessMemory.AnonymousResidentBytes() / (1024.0 * 1024.0), 1));
        writer.WriteString("engine", session.Name);
        if (session.KernelIsa is { } isa)
        {
            writer.WriteString("kernel_isa", isa);
        }
        else
        {
            writer.WriteNull("kernel_isa");
        }

        RunPlanJson.Write(writer, plan, session);
        writer.WriteEndObject();
    }

    private static GenerationInput ReadInput(string? prompt, string? promptFile, string? messagesFile, bool chat)
    {
        int given = (prompt is null ? 0 : 1) + (promptFile is null ? 0 : 1) + (messagesFile is null ? 0 : 1);
        if (given > 1)
        {
            throw new EdgeLlmException("give one of --prompt, --prompt-file and --messages");
        }

        if (messagesFile is not null)
        {
            return new GenerationInput(null, ConversationFile.Read(messagesFile));
        }

        string text = prompt
            ?? (promptFile is not null ? ReadPromptFile(promptFile)
            : !Console.IsInputRedirected ? throw new EdgeLlmException("no prompt: give --prompt, --prompt-file or --messages, or pipe text into standard input")
            : StandardInput.IsClosed ? throw new EdgeLlmException("no prompt: standard input is closed; give --prompt, --prompt-file or --messages, or pipe text into standard input")
            : Console.In.ReadToEnd());
        if (text.Length == 0)
        {
            throw new EdgeLlmException("the prompt is empty");
        }

        return chat ? new GenerationInput(null, [ChatMessage.User(text)]) : new GenerationInput(text, null);
    }

    /// <summary>Either plain text (continued as is) or a conversation (rendered with the chat template).</summary>
    private sealed record GenerationInput(string? Text, IReadOnlyList<ChatMessage>? Messages);
}
