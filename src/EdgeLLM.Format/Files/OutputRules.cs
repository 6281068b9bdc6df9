namespace EdgeLLM.Format.Files;

/// <summary>
/// What an output may replace. An output is never, contains, or lies inside any input (compared as
/// real paths, after symlinks), with or without --force; and --force replaces only something this
/// program made: a folder holding its marker file (a model folder's edgellm.json, a kit's
/// MANIFEST.json, a synthetic checkpoint's edgellm-synthetic.txt) or a .gguf file. Errors are one-line
/// <see cref="IOException"/>s naming the output and the input or the missing marker.
/// </summary>
public static class OutputRules
{
    /// <summary>Refuses an output that is, contains or sits inside one of <paramref name="inputs"/>.</summary>
    public static void CheckApartFromInputs(string output, IEnumerable<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        string realOutput = RealPath.Of(output);
        foreach (string input in inputs)
        {
            string realInput = RealPath.Of(input);
            string relation = realOutput == realInput ? "is"
                : RealPath.IsSameOrInside(realInput, realOutput) ? "contains"
                : RealPath.IsSameOrInside(realOutput, realInput) ? "is inside"
                : string.Empty;
            if (relation.Length > 0)
            {
                throw new IOException($"output '{output}' {relation} the input '{input}'{Resolved(input, realInput)}: choose an output apart from every input (forcing never replaces an input)");
            }
        }
    }

    /// <summary>
    /// Refuses to replace a non-empty folder without <paramref name="replace"/>, or one that lacks
    /// <paramref name="marker"/> (the file that shows edgellm made it) even with it.
    /// </summary>
    public static void CheckReplaceableFolder(string output, bool replace, string marker, IReadOnlySet<string> ignored)
    {
        ArgumentNullException.ThrowIfNull(ignored);
        if (!Directory.Exists(output) || !Directory.EnumerateFileSystemEntries(output).Any(entry => !ignored.Contains(Path.GetFileName(entry))))
        {
            return;
        }

        if (!replace)
        {
            throw new IOException($"output folder '{output}' exists and is not empty (replace it only by forcing)");
        }

        if (!File.Exists(Path.Combine(output, marker)))
        {
            throw new IOException($"output folder '{output}' was not made by edgellm (no {marker}): forcing replaces only edgellm's own output; choose a new or empty folder");
        }
    }

    /// <summary>Refuses to replace an existing file without <paramref name="replace"/>, or one that is not a GGUF file even with it.</summary>
    public static void CheckReplaceableGguf(string output, bool replace)
    {
        if (!File.Exists(output))
        {
            return;
        }

        if (!replace)
        {
            throw new IOException($"output file '{output}' exists (replace it only by forcing)");
        }

        Span<byte> magic = stackalloc byte[4];
        using (var stream = new FileStream(output, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            if (stream.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false) == magic.Length && magic.SequenceEqual("GGUF"u8))
            {
                return;
            }
        }

        throw new IOException($"output file '{output}' is not a GGUF file (no 'GGUF' magic): forcing replaces only a .gguf edgellm can have made");
    }

    private static string Resolved(string given, string real)
        => Path.TrimEndingDirectorySeparator(Path.GetFullPath(given)) == real ? string.Empty : $" (really '{real}')";
}
