namespace EdgeLLM.Packaging.Integrity;

/// <summary>
/// EdgeLLM's per-user cache folder (never on the stick): <c>$EDGELLM_CACHE_DIR</c> when set, else
/// <c>%LOCALAPPDATA%\EdgeLLM</c> on Windows, <c>~/Library/Caches/edgellm</c> on macOS and
/// <c>$XDG_CACHE_HOME/edgellm</c> or <c>~/.cache/edgellm</c> elsewhere — the folder the shell launcher also uses.
/// </summary>
public static class UserCache
{
    public const string Variable = "EDGELLM_CACHE_DIR";

    public static string Folder()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } explicitFolder)
        {
            return Path.GetFullPath(explicitFolder);
        }

        if (OperatingSystem.IsWindows())
        {
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "EdgeLLM");
        }

        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (OperatingSystem.IsMacOS())
        {
            return Path.Combine(home, "Library", "Caches", "edgellm");
        }

        string cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg : Path.Combine(home, ".cache");
        return Path.Combine(cache, "edgellm");
    }
}
