using System.Text.Json;
using EdgeLLM.Runtime.Tests.Generation;

namespace EdgeLLM.Published.Tests;

/// <summary>The greedy generation every published-binary test runs, and what it printed.</summary>
internal static class Generation
{
    public const int MaxTokens = 24;

    /// <summary><c>generate</c> arguments: the reference chat question, greedy, <see cref="MaxTokens"/> tokens, one JSON object.</summary>
    public static string[] Arguments(string modelFolder)
        => ["generate", "-m", modelFolder, "--chat", "-p", ReferenceCase.ChatQuestion, "--temperature", "0", "--max-tokens", MaxTokens.ToString(System.Globalization.CultureInfo.InvariantCulture), "--threads", "2", "--json"];

    /// <summary>The generated token ids of a successful <c>generate --json</c> run.</summary>
    public static int[] Tokens(ProcessRun run)
    {
        run.Succeeded("edgellm generate");
        using JsonDocument document = JsonDocument.Parse(run.Output);
        return [.. document.RootElement.GetProperty("tokens").EnumerateArray().Select(id => id.GetInt32())];
    }

    /// <summary>"engine: description (kernel ISA)" from the plan of a successful <c>generate --json</c> run.</summary>
    public static string Engine(ProcessRun run)
    {
        run.Succeeded("edgellm generate");
        using JsonDocument document = JsonDocument.Parse(run.Output);
        JsonElement plan = document.RootElement.GetProperty("plan");
        return $"{plan.GetProperty("engine").GetString()}: {plan.GetProperty("engine_description").GetString()} ({plan.GetProperty("kernel_isa").GetString()})";
    }

    /// <summary>A number the JSON report of a successful <c>generate --json</c> run holds.</summary>
    public static double Figure(ProcessRun run, string name)
    {
        using JsonDocument document = JsonDocument.Parse(run.Output);
        return document.RootElement.GetProperty(name).GetDouble();
    }
}
