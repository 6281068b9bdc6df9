namespace EdgeLLM.Quantize.Tests.Synthetic;

/// <summary>Output folders in states the synthesizer must refuse or replace.</summary>
internal static class OutputFolders
{
    /// <summary>Creates <c>parent/out</c> holding one file, <paramref name="fileName"/>; returns the folder.</summary>
    public static string CreateNonEmpty(string parent, string fileName)
    {
        string output = Path.Combine(parent, "out");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, fileName), "already here");
        return output;
    }
}
