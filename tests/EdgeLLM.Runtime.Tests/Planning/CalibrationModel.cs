using System.Diagnostics;
using EdgeLLM.Tests.Shared;

namespace EdgeLLM.Runtime.Tests.Planning;

/// <summary>
/// The synthetic DeepSeek-R1-Distill-Qwen-1.5B converted to int4 the way a person does it
/// (<c>edgellm synth</c>, then <c>edgellm quantize --precision int4 --logits last --max-context 4096</c>),
/// made once into out/test-models under the repository (gitignored) and reused by later runs. Set
/// EDGELLM_CALIBRATION_MODEL to an existing int4 folder of that shape to skip the build (about 3 minutes
/// on two cores and 3.5 GB of temporary checkpoint).
/// </summary>
internal static class CalibrationModel
{
    public const string EnvironmentVariable = "EDGELLM_CALIBRATION_MODEL";

    private static readonly Lazy<string> Folder = new(Prepare);

    public static string Path => Folder.Value;

    /// <summary>Runs the built edgellm (the assembly beside the tests) in its own process: peak RSS must be its own.</summary>
    public static (int ExitCode, string Output, string Error) RunCli(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(System.IO.Path.Combine(AppContext.BaseDirectory, "edgellm.dll"));
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException("could not start edgellm");
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error.Result);
    }

    private static string Prepare()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } given)
        {
            return File.Exists(System.IO.Path.Combine(given, "edgellm.json"))
                ? given
                : throw new InvalidOperationException($"{EnvironmentVariable}={given}: no edgellm.json there");
        }

        string root = System.IO.Path.Combine(TestPaths.RepoRoot, "out", "test-models");
        string model = System.IO.Path.Combine(root, "r1-distill-qwen-1.5b-synthetic-int4");
        if (File.Exists(System.IO.Path.Combine(model, "edgellm.json")))
        {
            return model; // quantize renames its staging folder into place only once complete
        }

        string checkpoint = System.IO.Path.Combine(root, "r1-distill-qwen-1.5b-synthetic-hf");
        try
        {
            Check(RunCli("synth", "--shape", "r1-distill-qwen-1.5b", "--tokenizer", TestPaths.Tokenizer("r1-distill-qwen"), "-o", checkpoint, "--force"));
            Check(RunCli("quantize", checkpoint, "-o", model, "--precision", "int4", "--logits", "last", "--max-context", "4096", "--scales", "rtn", "--no-calibration", "--quiet", "--force"));
        }
        finally
        {
            if (Directory.Exists(checkpoint))
            {
                Directory.Delete(checkpoint, recursive: true);
            }
        }

        return model;
    }

    private static void Check((int ExitCode, string Output, string Error) run)
    {
        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException($"building the calibration model failed: {run.Error.Trim()}");
        }
    }
}
