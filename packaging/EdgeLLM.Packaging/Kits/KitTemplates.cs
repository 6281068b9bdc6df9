using System.Text;

namespace EdgeLLM.Packaging.Kits;

/// <summary>
/// The launchers (<c>edgellm.sh</c>, <c>edgellm.cmd</c>) and the field <c>README.txt</c>, embedded in the binary
/// (Templates/), with <c>{{NAME}}</c> placeholders filled in. Line endings are fixed per file: LF for the shell
/// script, CRLF for the Windows batch file and the README (read on Windows too).
/// </summary>
public static class KitTemplates
{
    public static string ShellLauncher() => Load(KitLayout.ShellLauncher, "\n");

    public static string WindowsLauncher() => Load(KitLayout.WindowsLauncher, "\r\n");

    public static string Readme(string version, DateTimeOffset created, IReadOnlyList<string> targets, IReadOnlyList<string> models)
        => Load(KitLayout.ReadmeName, "\r\n")
            .Replace("{{VERSION}}", version, StringComparison.Ordinal)
            .Replace("{{CREATED}}", created.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{{TARGETS}}", string.Join(", ", targets), StringComparison.Ordinal)
            .Replace("{{MODELS}}", string.Join(", ", models), StringComparison.Ordinal)
            .Replace("{{FIRST_MODEL}}", models.Count > 0 ? models[0] : "<model>", StringComparison.Ordinal);

    private static string Load(string name, string lineEnding)
    {
        string resource = $"EdgeLLM.Packaging.Templates.{name}";
        using Stream stream = typeof(KitTemplates).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"embedded template '{resource}' is missing from this build");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd().ReplaceLineEndings(lineEnding);
    }
}
