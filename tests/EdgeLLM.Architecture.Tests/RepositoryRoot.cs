namespace EdgeLLM.Architecture.Tests;

/// <summary>The folder holding EdgeLLM.sln, found above the test assembly.</summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "EdgeLLM.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("EdgeLLM.sln not found above the test assembly");
    }
}
