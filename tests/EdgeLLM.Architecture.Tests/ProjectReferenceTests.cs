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

    [Theory]
    [InlineData("EdgeLLM.Runtime")]
    [InlineData("EdgeLLM.Packaging")]
    [InlineData("EdgeLLM.Devices")]
    [InlineData("EdgeLLM.Format")]
    [InlineData("EdgeLLM.Text")]
    public void TheModelFolderIsReadWithoutTheConverter(string project)
    {
        // The map forbids the arrow, and nothing the project references brings the converter in either:
        // building it never builds EdgeLLM.Quantize.
        ArchitectureMap map = ArchitectureMap.Read(Path.Combine(RepoRoot, "docs", "architecture.md"));
        Assert.DoesNotContain("EdgeLLM.Quantize", map.Allowed[project]);
        Assert.DoesNotContain("EdgeLLM.Quantize", ReferencedTransitively(project));
    }

    [Fact]
    public void FormatReferencesNoProject()
    {
        ArchitectureMap map = ArchitectureMap.Read(Path.Combine(RepoRoot, "docs", "architecture.md"));
        Assert.Empty(map.Allowed["EdgeLLM.Format"]);
        Assert.Empty(ReferencedTransitively("EdgeLLM.Format"));
    }

    [Fact]
    public void TextNeedsNeitherTheRuntimeNorOnnxRuntime()
    {
        // Tokenizers and chat templates serve the converter as well as the runtime: EdgeLLM.Text never references the
        // runtime, and nothing it brings in (itself included) references an ONNX Runtime package.
        ArchitectureMap map = ArchitectureMap.Read(Path.Combine(RepoRoot, "docs", "architecture.md"));
        Assert.DoesNotContain("EdgeLLM.Runtime", map.Allowed["EdgeLLM.Text"]);
        HashSet<string> closure = ReferencedTransitively("EdgeLLM.Text");
        Assert.DoesNotContain("EdgeLLM.Runtime", closure);
        closure.Add("EdgeLLM.Text");
        Assert.DoesNotContain(closure.SelectMany(PackagesOf), package => package.StartsWith("Microsoft.ML.OnnxRuntime", StringComparison.Ordinal));
    }

    [Fact]
    public void LibcIsDeclaredOnlyInFormatPlatform()
    {
        // One door per native library: every [LibraryImport("libc"...)] lies in src/EdgeLLM.Format/Platform.
        string platform = Path.Combine(RepoRoot, "src", "EdgeLLM.Format", "Platform") + Path.DirectorySeparatorChar;
        List<string> outside = [];
        foreach (string root in ProjectRoots.Where(root => root != "tests"))
        {
            foreach (string file in Directory.EnumerateFiles(Path.Combine(RepoRoot, root), "*.cs", SearchOption.AllDirectories)
                         .Where(path => !path.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj")))
            {
                if (!file.StartsWith(platform, StringComparison.Ordinal) && File.ReadAllText(file).Contains("Import(\"libc", StringComparison.Ordinal))
                {
                    outside.Add(Path.GetRelativePath(RepoRoot, file));
                }
            }
        }

        Assert.Empty(outside);
    }

    /// <summary>The runtime's ONNX engine: the home of every ONNX Runtime call (its session, the KV cache it binds, the provider listing).</summary>
    private const string OnnxEngineFolder = "src/EdgeLLM.Runtime/Engines/Onnx/";

    /// <summary>
    /// The other places product code may name ONNX Runtime, each for a reason: the one process-wide environment and the
    /// embedded native library's loader (Native/), and the bench tools, which measure ONNX Runtime GenAI on purpose.
    /// Tests are not product code (the converter's tests run its graphs).
    /// </summary>
    private static readonly string[] OnnxRuntimeExceptions =
    [
        "src/EdgeLLM.Runtime/Native/",
        "packaging/bench/",
    ];

    [Fact]
    public void OnlyTheRuntimesOnnxEngineNamesOnnxRuntime()
    {
        // One door to ONNX Runtime: the command line, the server, the TUI, devices and the converter ask the runtime.
        List<string> outside = [.. ProductSources()
            .Where(file => !file.Path.StartsWith(OnnxEngineFolder, StringComparison.Ordinal))
            .Where(file => !OnnxRuntimeExceptions.Any(exception => file.Path.StartsWith(exception, StringComparison.Ordinal)))
            .Where(file => NamesOnnxRuntime(file.FullPath))
            .Select(file => file.Path)];
        Assert.Empty(outside);
    }

    [Fact]
    public void EveryOnnxRuntimeExceptionIsInUse()
    {
        // The exceptions stay honest: each names ONNX Runtime in at least one file (one moved into the engine fails here).
        List<(string Path, string FullPath)> sources = [.. ProductSources()];
        Assert.All(OnnxRuntimeExceptions, exception => Assert.Contains(
            sources,
            file => file.Path.StartsWith(exception, StringComparison.Ordinal) && NamesOnnxRuntime(file.FullPath)));
    }

    private static bool NamesOnnxRuntime(string file) => File.ReadAllText(file).Contains("Microsoft.ML.OnnxRuntime", StringComparison.Ordinal);

    /// <summary>Every .cs file outside tests, with its repository-relative path ('/' separated).</summary>
    private static IEnumerable<(string Path, string FullPath)> ProductSources()
        => ProjectRoots.Where(root => root != "tests")
            .SelectMany(root => Directory.EnumerateFiles(Path.Combine(RepoRoot, root), "*.cs", SearchOption.AllDirectories))
            .Where(path => !path.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .Select(path => (Path.GetRelativePath(RepoRoot, path).Replace(Path.DirectorySeparatorChar, '/'), path));

    private static HashSet<string> ReferencedTransitively(string project)
    {
        Dictionary<string, IReadOnlyList<string>> graph = Projects().ToDictionary(entry => entry.Name, entry => entry.References, StringComparer.Ordinal);
        HashSet<string> seen = new(StringComparer.Ordinal);
        Stack<string> pending = new(graph[project]);
        while (pending.TryPop(out string? next))
        {
            if (seen.Add(next) && graph.TryGetValue(next, out IReadOnlyList<string>? references))
            {
                foreach (string reference in references)
                {
                    pending.Push(reference);
                }
            }
        }

        return seen;
    }

    private static IEnumerable<(string Name, IReadOnlyList<string> References)> Projects()
    {
        foreach (string csproj in ProjectFiles())
        {
            XDocument document = XDocument.Load(csproj);
            string[] references = [.. document.Descendants("ProjectReference")
                .Select(element => Path.GetFileNameWithoutExtension((string?)element.Attribute("Include") ?? string.Empty))
                .Where(name => name.Length > 0)];
            yield return (Path.GetFileNameWithoutExtension(csproj), references);
        }
    }

    /// <summary>The packages a project references directly (any condition: the Windows RID's included).</summary>
    private static IEnumerable<string> PackagesOf(string project)
    {
        string csproj = ProjectFiles().Single(path => Path.GetFileNameWithoutExtension(path) == project);
        return XDocument.Load(csproj).Descendants("PackageReference")
            .Select(element => (string?)element.Attribute("Include") ?? string.Empty)
            .Where(name => name.Length > 0);
    }

    private static IEnumerable<string> ProjectFiles()
        => ProjectRoots.SelectMany(root => Directory.EnumerateFiles(Path.Combine(RepoRoot, root), "*.csproj", SearchOption.AllDirectories)
            .Where(path => !path.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" || part.StartsWith('.'))));

    private static string RepoRoot => RepositoryRoot.Path;
}
