using System.Runtime.CompilerServices;
using EdgeLLM.Format.Platform;

namespace EdgeLLM.Packaging.Tests;

/// <summary>
/// Points EdgeLLM's per-user cache (verified-model stamps, the launcher's binary copies) at a folder of this test run,
/// for the in-process CLI and every process the tests start, so tests never read or fill the real user's cache.
/// </summary>
internal static class TestCache
{
    public static string Folder { get; } = Path.Combine(Path.GetTempPath(), "edgellm-tests", $"packaging-cache-{Guid.NewGuid():N}");

    [ModuleInitializer]
    internal static void Initialize()
    {
        Directory.CreateDirectory(Folder);
        Environment.SetEnvironmentVariable(UserFolders.CacheVariable, Folder);
    }
}
