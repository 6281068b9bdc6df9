using EdgeLLM.Format.Platform;

namespace EdgeLLM.Packaging.Kits;

/// <summary>What <see cref="KitWriter"/> packs, and where.</summary>
public sealed record KitRequest
{
    /// <summary>The kit folder to create (written in a temporary sibling and renamed at the end).</summary>
    public required string OutputFolder { get; init; }

    /// <summary>EdgeLLM model folders (holding edgellm.json); each lands in <c>models/&lt;folder name&gt;</c>.</summary>
    public required IReadOnlyList<string> ModelFolders { get; init; }

    /// <summary>Target runtime identifiers (see <see cref="KitLayout.KnownTargets"/>).</summary>
    public required IReadOnlyList<string> Targets { get; init; }

    /// <summary>The folder holding <c>&lt;rid&gt;/edgellm[.exe]</c>, or null when none was found.</summary>
    public required string? BinariesFolder { get; init; }

    /// <summary>Replace a non-empty output folder (<c>--force</c>).</summary>
    public bool Replace { get; init; }
}
