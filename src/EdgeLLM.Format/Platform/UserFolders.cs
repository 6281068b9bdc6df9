namespace EdgeLLM.Format.Platform;

/// <summary>
/// EdgeLLM's per-user folders, in one place: <c>~/.edgellm</c> (models, the chat's settings and transcripts) and the
/// per-user cache (extracted native libraries, verified-model stamps, the kit launcher's binary copies). Nothing is
/// ever written outside these, a model folder or an output the user named.
/// </summary>
public static class UserFolders
{
    /// <summary>Overrides the per-user cache folder (tests, kits on shared machines).</summary>
    public const string CacheVariable = "EDGELLM_CACHE_DIR";

    /// <summary>The name of EdgeLLM's folder in the user's home.</summary>
    public const string HomeName = ".edgellm";

    /// <summary><c>~/.edgellm</c>.</summary>
    public static string Home() => Path.Combine(UserProfile(), HomeName);

    /// <summary><c>~/.edgellm/models</c>, where converted models are looked for after a kit's own.</summary>
    public static string Models() => ModelsIn(UserProfile());

    /// <summary><c>.edgellm/models</c> in <paramref name="homeFolder"/>.</summary>
    public static string ModelsIn(string homeFolder) => Path.Combine(homeFolder, HomeName, "models");

    /// <summary><c>~/.edgellm/settings.json</c>, the chat's settings.</summary>
    public static string ChatSettings() => Path.Combine(Home(), "settings.json");

    /// <summary><c>~/.edgellm/transcripts</c>, where the chat saves transcripts.</summary>
    public static string Transcripts() => Path.Combine(Home(), "transcripts");

    /// <summary>
    /// The per-user cache (never on the stick): <c>$EDGELLM_CACHE_DIR</c> when set, else <c>%LOCALAPPDATA%\EdgeLLM</c> on
    /// Windows, <c>~/Library/Caches/edgellm</c> on macOS and <c>$XDG_CACHE_HOME/edgellm</c> (an absolute
    /// <c>XDG_CACHE_HOME</c> only, as the XDG specification says) or <c>~/.cache/edgellm</c> elsewhere — the folder the
    /// kit's shell launcher also uses.
    /// </summary>
    public static string Cache() => Cache(Environment.GetEnvironmentVariable, UserProfile());

    /// <summary><see cref="Cache()"/> for the environment <paramref name="variable"/> reads and the home folder given.</summary>
    public static string Cache(Func<string, string?> variable, string homeFolder)
    {
        ArgumentNullException.ThrowIfNull(variable);
        if (variable(CacheVariable) is { Length: > 0 } explicitFolder)
        {
            return Path.GetFullPath(explicitFolder);
        }

        if (OperatingSystem.IsWindows())
        {
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "EdgeLLM");
        }

        if (OperatingSystem.IsMacOS())
        {
            return Path.Combine(homeFolder, "Library", "Caches", "edgellm");
        }

        string? xdg = variable("XDG_CACHE_HOME");
        string cache = !string.IsNullOrEmpty(xdg) && Path.IsPathFullyQualified(xdg) ? xdg : Path.Combine(homeFolder, ".cache");
        return Path.Combine(cache, "edgellm");
    }

    private static string UserProfile() => Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
}
