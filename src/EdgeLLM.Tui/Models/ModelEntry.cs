namespace EdgeLLM.Tui.Models;

/// <summary>A model folder found on disk (it holds an edgellm.json manifest).</summary>
public sealed record ModelEntry(string Name, string Folder);
