using EdgeLLM.Format.Platform;

namespace EdgeLLM.Devices.Tests.Platform;

/// <summary>
/// One per-user cache for the binary, the native-library extraction and the kit launcher (issue 18: two roots used to
/// disagree on <c>EDGELLM_CACHE_DIR</c>).
/// </summary>
public sealed class UserFoldersTests
{
    private const string Home = "/home/field";

    [Fact]
    public void TheCacheVariableWinsOverXdg()
    {
        var variables = new Dictionary<string, string?> { ["EDGELLM_CACHE_DIR"] = "/srv/cache", ["XDG_CACHE_HOME"] = "/xdg" };
        Assert.Equal("/srv/cache", UserFolders.Cache(name => variables.GetValueOrDefault(name), Home));
    }

    [Fact]
    public void XdgIsUsedOnlyWhenAbsolute()
    {
        if (OperatingSystem.IsWindows() || OperatingSystem.IsMacOS())
        {
            return;
        }

        Assert.Equal("/xdg/edgellm", UserFolders.Cache(name => name == "XDG_CACHE_HOME" ? "/xdg" : null, Home));
        Assert.Equal("/home/field/.cache/edgellm", UserFolders.Cache(name => name == "XDG_CACHE_HOME" ? "relative/cache" : null, Home));
        Assert.Equal("/home/field/.cache/edgellm", UserFolders.Cache(_ => null, Home));
    }

    [Fact]
    public void ModelsLiveInTheHomeFolder()
    {
        Assert.Equal(Path.Combine(Home, ".edgellm", "models"), UserFolders.ModelsIn(Home));
        Assert.Equal(UserFolders.ModelsIn(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile)), UserFolders.Models());
        Assert.Equal(Path.Combine(UserFolders.Home(), "settings.json"), UserFolders.ChatSettings());
    }
}
