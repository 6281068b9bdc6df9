using System.Text;

namespace EdgeLLM.Quantize.Gguf;

/// <summary>
/// Writes a GGUF version 3 file (little-endian): magic <c>GGUF</c>, version, tensor and metadata counts,
/// the metadata, the tensor infos (name, dimensions, type, offset into the data section), padding to
/// <see cref="Alignment"/>, then each tensor's data at its aligned offset.
/// </summary>
public static class GgufWriter
{
    public const uint Magic = 0x46554747; // "GGUF" read as a little-endian uint32
    public const uint Version = 3;

    /// <summary>The data alignment llama.cpp uses when <c>general.alignment</c> says nothing else.</summary>
    public const int Alignment = 32;

    public const string AlignmentKey = "general.alignment";

    /// <summary>Writes the file to <paramref name="stream"/>; returns the total bytes written.</summary>
    public static long Write(Stream stream, GgufMetadata metadata, IReadOnlyList<GgufTensor> tensors, IProgress<GgufTensor>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(tensors);
        if (metadata.Contains(AlignmentKey) && metadata.TypeOf(AlignmentKey) != GgufValueType.UInt32)
        {
            throw new InvalidOperationException($"{AlignmentKey} must be a uint32");
        }

        long start = stream.Position;
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(Version);
            writer.Write((ulong)tensors.Count);
            writer.Write((ulong)metadata.Count);
            metadata.WriteTo(writer);
            long offset = 0;
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (GgufTensor tensor in tensors)
            {
                if (!names.Add(tensor.Name))
                {
                    throw new InvalidOperationException($"GGUF tensor '{tensor.Name}' is listed twice");
                }

                GgufMetadata.WriteString(writer, tensor.Name);
                writer.Write((uint)tensor.Dimensions.Count);
                foreach (long dimension in tensor.Dimensions)
                {
                    writer.Write((ulong)dimension);
                }

                writer.Write((uint)tensor.Type);
                writer.Write((ulong)offset);
                offset = Align(offset + tensor.ByteCount);
            }

            writer.Flush();
        }

        long dataStart = start + Align(stream.Position - start);
        Pad(stream, dataStart);
        foreach (GgufTensor tensor in tensors)
        {
            cancellation.ThrowIfCancellationRequested();
            Pad(stream, start + Align(stream.Position - start));
            long before = stream.Position;
            tensor.WriteData(stream);
            long written = stream.Position - before;
            if (written != tensor.ByteCount)
            {
                throw new InvalidOperationException($"GGUF tensor '{tensor.Name}': {written} bytes written, {tensor.ByteCount} expected for {tensor.Type} [{string.Join(", ", tensor.Dimensions)}]");
            }

            progress?.Report(tensor);
        }

        return stream.Position - start;
    }

    /// <summary>Rounds up to a multiple of <see cref="Alignment"/>.</summary>
    public static long Align(long value) => (value + Alignment - 1) / Alignment * Alignment;

    private static void Pad(Stream stream, long target)
    {
        long count = target - stream.Position;
        if (count > 0)
        {
            stream.Write(new byte[count]);
        }
    }
}
