using System.Diagnostics;
using System.Text.Json;

namespace EdgeLLM.SideBySide;

/// <summary>Runs one measurement in a fresh process and reads the JSON it prints last on stdout.</summary>
internal static class ChildProcess
{
    /// <summary>A command line for a .NET program: "dotnet x.dll" for a .dll, the file itself otherwise.</summary>
    public static (string FileName, List<string> Arguments) Command(string program)
        => program.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? ("dotnet", [program]) : (program, []);

    /// <summary>This harness, started again.</summary>
    public static (string FileName, List<string> Arguments) Self()
        => Command(Path.Combine(AppContext.BaseDirectory, "EdgeLLM.SideBySide.dll"));

    public static JsonDocument RunJson((string FileName, List<string> Arguments) command, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(command.FileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in command.Arguments.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {command.FileName}");
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command.FileName} {string.Join(' ', start.ArgumentList)} exited with {process.ExitCode}: {error.Result.Trim()}");
        }

        // The document starts at the first '{' or '[' (llama-bench -o json prints an array of records; our verbs one object).
        int documentStart = output.IndexOfAny(['{', '[']);
        return documentStart >= 0
            ? JsonDocument.Parse(output[documentStart..])
            : throw new InvalidDataException($"{command.FileName} printed no JSON: {output.Trim()}");
    }
}
