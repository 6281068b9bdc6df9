using System.Text.RegularExpressions;

namespace EdgeLLM.Architecture.Tests;

/// <summary>
/// The libraries report a failure a user can cause with EdgeLLM.Format's EdgeLlmException, the type the CLI's one
/// error path prints as a user error; the BCL types that once carried bad input (InvalidDataException,
/// NotSupportedException) now mean a bug there, so no library code constructs them.
/// </summary>
public sealed partial class ExpectedFailureTypeTests
{
    private static readonly string[] LibraryFolders =
    [
        "src/EdgeLLM.Format", "src/EdgeLLM.Text", "src/EdgeLLM.Runtime", "src/EdgeLLM.Server",
        "quantize/EdgeLLM.Quantize", "devices/EdgeLLM.Devices", "packaging/EdgeLLM.Packaging",
    ];

    [Fact]
    public void NoLibraryConstructsInvalidDataOrNotSupportedException()
    {
        List<string> offenders = [];
        foreach (string file in LibrarySources())
        {
            string[] lines = File.ReadAllLines(file);
            for (int index = 0; index < lines.Length; index++)
            {
                if (RetiredConstruction().IsMatch(lines[index]))
                {
                    offenders.Add($"{Path.GetRelativePath(RepositoryRoot.Path, file)}:{index + 1}: {lines[index].Trim()} (throw EdgeLlmException)");
                }
            }
        }

        Assert.True(offenders.Count == 0, string.Join(Environment.NewLine, offenders));
    }

    [Fact]
    public void TheCheckSeesEveryLibraryAndMatchesBothForms()
    {
        Assert.All(LibraryFolders, folder => Assert.True(Directory.Exists(Path.Combine(RepositoryRoot.Path, folder)), folder));
        Assert.True(LibrarySources().Count() > 100);
        Assert.Matches(RetiredConstruction(), "        throw new InvalidDataException($\"{path}: bad\");");
        Assert.Matches(RetiredConstruction(), "        _ => throw new NotSupportedException(\"x\"),");
        Assert.DoesNotMatch(RetiredConstruction(), "        throw new EdgeLlmException(\"x\");");
        Assert.DoesNotMatch(RetiredConstruction(), "        throw new PlatformNotSupportedException(\"x\");");
    }

    private static IEnumerable<string> LibrarySources()
        => LibraryFolders.SelectMany(folder => Directory.EnumerateFiles(Path.Combine(RepositoryRoot.Path, folder), "*.cs", SearchOption.AllDirectories))
            .Where(path => !path.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"));

    [GeneratedRegex(@"\bnew (InvalidDataException|NotSupportedException)\(")]
    private static partial Regex RetiredConstruction();
}
