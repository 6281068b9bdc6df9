using EdgeLLM.Runtime.Engines.Cpu.Kernels;

namespace EdgeLLM.Runtime.Engines.Cpu.Loading;

/// <summary>
/// The token embedding's rows, read from <c>model.onnx.data</c> with positioned reads (pread) into one small pinned
/// buffer and dequantized from there, instead of touched through the mapping. A token touches one row of the table, but
/// a fault on a file mapping maps the page cache's whole large folio around it: through the mapping, a few hundred
/// prompt and generated tokens made most of a 1.5B model's 222 MiB int8 table resident in the process (measured:
/// 528 random rows mapped 180 MB). Read this way, the table's pages stay in the page cache (shared, evictable, not in
/// the process's RSS) and a token costs one or two reads of its row's bytes (codes, scales, zero points). A table that
/// is not in the mapped file (inline in model.onnx), or a tied table that lm_head reads through the mapping anyway,
/// is gathered in place.
/// </summary>
internal sealed unsafe class EmbeddingRows
{
    private readonly WeightFile file;
    private readonly WeightMatrix table;
    private readonly bool readRows;
    private readonly byte[] buffer;
    private readonly int valueBytes;
    private readonly int scaleBytes;
    private readonly int zeroPointBytes;

    public EmbeddingRows(WeightFile file, WeightMatrix table, bool mappedAnyway)
    {
        this.file = file;
        this.table = table;
        bool quantized = table.Layout is WeightLayout.Int4Blocks or WeightLayout.Int8Blocks;
        valueBytes = table.Layout switch
        {
            WeightLayout.Float32OutputMajor => table.InputCount * sizeof(float),
            WeightLayout.Float16OutputMajor => table.InputCount * sizeof(ushort),
            _ => quantized ? table.RowBytes : 0,
        };
        scaleBytes = quantized ? table.BlockCount * (table.ScalesAreHalf ? sizeof(ushort) : sizeof(float)) : 0;
        zeroPointBytes = quantized && table.ZeroPoints != 0 ? table.ZeroPointRowBytes : 0;
        readRows = !mappedAnyway
            && valueBytes > 0
            && file.Maps(table.Values, (long)table.OutputCount * valueBytes)
            && (scaleBytes == 0 || file.Maps(table.Scales, (long)table.OutputCount * scaleBytes))
            && (zeroPointBytes == 0 || file.Maps(table.ZeroPoints, (long)table.OutputCount * zeroPointBytes));

        // Each part starts on a 64-byte boundary of the pinned buffer.
        buffer = GC.AllocateUninitializedArray<byte>(readRows ? Align(valueBytes) + Align(scaleBytes) + Align(zeroPointBytes) + 64 : 1, pinned: true);
    }

    /// <summary>Whether rows are read with positioned reads (false: gathered through the mapping).</summary>
    public bool ReadsRows => readRows;

    /// <summary>Row <paramref name="row"/> of the table, dequantized into <paramref name="output"/>.</summary>
    public void Gather(int row, Span<float> output)
    {
        if (!readRows)
        {
            EmbeddingKernel.GatherRow(table, row, output);
            return;
        }

        if ((uint)row >= (uint)table.OutputCount)
        {
            throw new ArgumentOutOfRangeException(nameof(row), $"row {row} is outside the {table.OutputCount} rows of the table");
        }

        fixed (byte* pinned = buffer)
        {
            byte* values = (byte*)(((nint)pinned + 63) & ~(nint)63);
            byte* scales = values + Align(valueBytes);
            byte* zeroPoints = scales + Align(scaleBytes);
            file.Read(table.Values + ((nint)row * valueBytes), new Span<byte>(values, valueBytes));
            if (scaleBytes > 0)
            {
                file.Read(table.Scales + ((nint)row * scaleBytes), new Span<byte>(scales, scaleBytes));
            }

            if (zeroPointBytes > 0)
            {
                file.Read(table.ZeroPoints + ((nint)row * zeroPointBytes), new Span<byte>(zeroPoints, zeroPointBytes));
            }

            WeightMatrix oneRow = new()
            {
                Layout = table.Layout,
                OutputCount = 1,
                InputCount = table.InputCount,
                BlockSize = table.BlockSize,
                Values = (nint)values,
                Scales = scaleBytes > 0 ? (nint)scales : 0,
                ScalesAreHalf = table.ScalesAreHalf,
                ZeroPoints = zeroPointBytes > 0 ? (nint)zeroPoints : 0,
            };
            EmbeddingKernel.GatherRow(oneRow, 0, output);
        }
    }

    private static int Align(int bytes) => (bytes + 63) & ~63;
}
