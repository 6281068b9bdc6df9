using System.Runtime.InteropServices;
using EdgeLLM.Format.Files;
using EdgeLLM.Format.ModelFolder;
using EdgeLLM.Format;
using EdgeLLM.Quantize.Checkpoints;

namespace EdgeLLM.Quantize.Gguf;

/// <summary>
/// Hugging Face checkpoint → one GGUF file that llama.cpp loads: the metadata and tensor names its
/// <c>convert_hf_to_gguf.py</c> writes, the Llama Q/K row permutation, norms, biases and RoPE factors in
/// F32 and every matrix in the chosen type. Streams tensor by tensor from the memory-mapped checkpoint
/// (one row in fp32 at a time, pages released after each tensor), into a hidden temporary file in the
/// output's folder that is renamed into place at the end, so a failed or interrupted export leaves
/// nothing that looks valid.
/// </summary>
public static class GgufExporter
{
    private const int WriteBufferBytes = 1 << 20;

    public static GgufExportResult Export(ICheckpoint checkpoint, string tokenizerFolder, string outputPath, GgufExportType type, bool overwrite, CancellationToken cancellation = default)
        => Export(checkpoint, tokenizerFolder, outputPath, type, overwrite, [tokenizerFolder], cancellation);

    /// <summary>As <see cref="Export(ICheckpoint, string, string, GgufExportType, bool, CancellationToken)"/>, refusing an output that is, holds or sits in one of <paramref name="inputs"/> (the checkpoint folder).</summary>
    public static GgufExportResult Export(ICheckpoint checkpoint, string tokenizerFolder, string outputPath, GgufExportType type, bool overwrite, IEnumerable<string> inputs, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        string output = Path.GetFullPath(outputPath);
        if (Directory.Exists(output))
        {
            throw new IOException($"output '{output}' is a folder, not a file");
        }

        OutputRules.CheckApartFromInputs(output, inputs);
        using OutputLock outputLock = OutputLock.Acquire(output);
        OutputRules.CheckReplaceableGguf(output, overwrite);
        RemoveStale(output);

        ModelConfig config = checkpoint.Config;
        var metadata = new GgufMetadata();
        GgufArchitectureMetadata.Add(metadata, config, ModelName(tokenizerFolder), type);
        GgufTokenizerMetadata.Add(metadata, tokenizerFolder, config.VocabSize);
        List<GgufTensor> tensors = Tensors(checkpoint, type);

        string folder = Path.GetDirectoryName(output) ?? throw new IOException($"output '{output}' has no parent folder");
        string temporary = Path.Combine(folder, $".{Path.GetFileName(output)}.partial-{Guid.NewGuid():N}");
        long byteCount;
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, WriteBufferBytes))
            {
                byteCount = GgufWriter.Write(stream, metadata, tensors, progress: null, cancellation);
                stream.Flush(flushToDisk: true);
            }

            cancellation.ThrowIfCancellationRequested();
            if (File.Exists(output))
            {
                // Appeared or changed during the run: replaced only under --force and when it is a GGUF file.
                OutputRules.CheckReplaceableGguf(output, overwrite);
            }

            File.Move(temporary, output, overwrite);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"cannot write '{output}': {exception.Message.ReplaceLineEndings(" ")}", exception);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }

        return new GgufExportResult(output, byteCount, tensors.Count);
    }

    /// <summary>Partial files of killed exports to <paramref name="output"/>: dead, since the caller holds its lock.</summary>
    private static void RemoveStale(string output)
    {
        string folder = Path.GetDirectoryName(output)!;
        if (!Directory.Exists(folder))
        {
            return;
        }

        foreach (string partial in Directory.EnumerateFiles(folder, $".{Path.GetFileName(output)}.partial-*"))
        {
            try
            {
                File.Delete(partial);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // Left for a later run.
            }
        }
    }

    /// <summary>The tensors in the converter's order: generated RoPE factors first, then the checkpoint's tensors.</summary>
    public static List<GgufTensor> Tensors(ICheckpoint checkpoint, GgufExportType type)
    {
        ModelConfig config = checkpoint.Config;
        var tensors = new List<GgufTensor>();
        if (config.RopeScaling is { } scaling)
        {
            float[] factors = GgufArchitectureMetadata.Llama3RopeFactors(config, scaling);
            tensors.Add(new GgufTensor(GgufTensorNames.RopeFrequencies, [factors.Length], GgmlType.F32, stream => stream.Write(MemoryMarshal.AsBytes(factors.AsSpan()))));
        }

        // Planned from the configuration's shapes (a checkpoint folder has checked its tensors against them), so
        // no tensor is read, or generated by a synthetic source, before the writer reaches it.
        foreach ((string name, long[] shape) in HuggingFaceLayout.Tensors(config))
        {
            string ggufName = GgufTensorNames.FromHuggingFace(name);
            int permutedHeads = QkPermutationHeads(config, name);
            long[] dimensions = [.. shape.Reverse()];
            if (shape.Length == 1)
            {
                tensors.Add(new GgufTensor(ggufName, dimensions, GgmlType.F32, stream => WriteVector(stream, checkpoint, name, permutedHeads)));
                continue;
            }

            bool isOutputProjection = ggufName == GgufTensorNames.Output || (ggufName == GgufTensorNames.TokenEmbedding && config.TieWordEmbeddings);
            GgmlType matrixType = type.MatrixType(isOutputProjection);
            if (shape[^1] % matrixType.BlockLength() != 0)
            {
                throw new EdgeLlmException($"tensor '{name}': rows of {shape[^1]} values cannot be stored as {matrixType} (blocks of {matrixType.BlockLength()})");
            }

            tensors.Add(new GgufTensor(ggufName, dimensions, matrixType, stream => WriteMatrix(stream, checkpoint, name, matrixType, permutedHeads)));
        }

        return tensors;
    }

    /// <summary>
    /// Llama's q_proj/k_proj rows are reordered from Hugging Face's rotate-half RoPE layout to the
    /// interleaved pairs llama.cpp's LLAMA architecture rotates (the converter's <c>permute</c>): the head
    /// count to permute by, or 0 when the tensor is left as it is (Qwen2/Qwen3 use NeoX RoPE, no permutation).
    /// </summary>
    public static int QkPermutationHeads(ModelConfig config, string name)
    {
        if (config.Architecture != ModelArchitecture.Llama)
        {
            return 0;
        }

        if (name.Contains(".self_attn.q_proj.", StringComparison.Ordinal))
        {
            return config.HeadCount;
        }

        return name.Contains(".self_attn.k_proj.", StringComparison.Ordinal) ? config.KvHeadCount : 0;
    }

    /// <summary>The source row of output row <paramref name="row"/>: reshape(heads, 2, half, …).swapaxes(1, 2).</summary>
    public static long PermutedSourceRow(long row, long rowCount, int heads)
    {
        if (heads == 0)
        {
            return row;
        }

        long headDim = rowCount / heads;
        long half = headDim / 2;
        long head = row / headDim;
        long withinHead = row % headDim;
        return (head * headDim) + ((withinHead % 2) * half) + (withinHead / 2);
    }

    private static void WriteVector(Stream stream, ICheckpoint checkpoint, string name, int permutedHeads)
    {
        float[] values = checkpoint.GetTensor(name).ToFloatArray();
        var ordered = new float[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            ordered[i] = values[PermutedSourceRow(i, values.Length, permutedHeads)];
        }

        stream.Write(MemoryMarshal.AsBytes(ordered.AsSpan()));
        checkpoint.Release(name);
    }

    private static void WriteMatrix(Stream stream, ICheckpoint checkpoint, string name, GgmlType type, int permutedHeads)
    {
        TensorView view = checkpoint.GetTensor(name);
        int rowLength = checked((int)view.RowLength);
        long rowCount = view.RowCount;
        int rowBytes = checked((int)type.RowByteCount(rowLength));
        int rowsPerChunk = Math.Max(1, WriteBufferBytes / rowBytes);
        var row = new float[rowLength];
        var chunk = new byte[rowsPerChunk * rowBytes];
        int filled = 0;
        for (long outputRow = 0; outputRow < rowCount; outputRow++)
        {
            view.ReadRows(PermutedSourceRow(outputRow, rowCount, permutedHeads), 1, row);
            Span<byte> destination = chunk.AsSpan(filled * rowBytes, rowBytes);
            switch (type)
            {
                case GgmlType.F16:
                    for (int i = 0; i < rowLength; i++)
                    {
                        BitConverter.TryWriteBytes(destination[(2 * i)..], (Half)row[i]);
                    }

                    break;
                case GgmlType.Q8_0:
                    Q8_0BlockEncoder.EncodeRow(row, destination);
                    break;
                case GgmlType.Q4_0:
                    Q4_0BlockEncoder.EncodeRow(row, destination);
                    break;
                default:
                    throw new InvalidOperationException($"tensor '{name}': {type} is not a matrix type");
            }

            if (++filled == rowsPerChunk)
            {
                stream.Write(chunk, 0, filled * rowBytes);
                filled = 0;
            }
        }

        stream.Write(chunk, 0, filled * rowBytes);
        checkpoint.Release(name);
    }

    private static string ModelName(string folder)
        => Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)));
}
