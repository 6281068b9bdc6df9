using System.Xml.Linq;

namespace EdgeLLM.Architecture.Tests;

/// <summary>
/// Every csproj of the repository against docs/architecture.md's "Allowed references": a reference the map
/// does not allow, or a project the map does not name, fails with the offending arrow.
/// </summary>
public sealed class ProjectReferenceTests
{
    private static readonly string[] ProjectRoots = ["src", "quantize", "devices", "packaging", "tests"];

    [Fact]
    public void EveryProjectReferenceIsAnArrowTheMapAllows()
    {
        ArchitectureMap map = ArchitectureMap.Read(Path.Combine(RepoRoot, "docs", "architecture.md"));
        List<string> problems = [];
        foreach ((string project, IReadOnlyList<string> references) in Projects())
        {
            if (!map.Allowed.TryGetValue(project, out IReadOnlySet<string>? allowed))
            {
                problems.Add($"{project} is not in docs/architecture.md's table");
                continue;
            }

            problems.AddRange(references.Where(reference => !allowed.Contains(reference)).Select(reference => $"{project} → {reference} is not allowed"));
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void TheMapNamesOnlyProjectsThatExist()
    {
        ArchitectureMap map = ArchitectureMap.Read(Path.Combine(RepoRoot, "docs", "architecture.md"));
        HashSet<string> projects = [.. Projects().Select(project => project.Name)];
        IEnumerable<string> named = map.Allowed.Keys.Concat(map.Allowed.Values.SelectMany(targets => targets));
        Assert.Empty(named.Where(name => !projects.Contains(name)).Distinct());
    }

    [Fact]
    public void TheCheckSeesAForbiddenArrow()
    {
        // The runtime must never reference the command line: the map says so, and the check finds it.
        ArchitectureMap map = ArchitectureMap.Read(Path.Combine(RepoRoot, "docs", "architecture.md"));
        Assert.DoesNotContain("EdgeLLM.Cli", map.Allowed["EdgeLLM.Runtime"]);
        Assert.DoesNotContain("EdgeLLM.Runtime", map.Allowed["EdgeLLM.Quantize"]);
        Assert.DoesNotContain("EdgeLLM.Tui", map.Allowed["EdgeLLM.Runtime"]);
    }

    private static IEnumerable<(string Name, IReadOnlyList<string> References)> Projects()
    {
        foreach (string root in ProjectRoots)
        {
            string folder = Path.Combine(RepoRoot, root);
            foreach (string csproj in Directory.EnumerateFiles(folder, "*.csproj", SearchOption.AllDirectories)
                         .Where(path => !path.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" || part.StartsWith('.'))))
            {
                XDocument document = XDocument.Load(csproj);
                string[] references = [.. document.Descendants("ProjectReference")
                    .Select(element => Path.GetFileNameWithoutExtension((string?)element.Attribute("Include") ?? string.Empty))
                    .Where(name => name.Length > 0)];
                yield return (Path.GetFileNameWithoutExtension(csproj), references);
            }
        }
    }

    private static string RepoRoot { get; } = FindRepoRoot();

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
}
