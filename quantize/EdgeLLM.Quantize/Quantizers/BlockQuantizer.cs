using System.Buffers;
using System.Numerics;
using EdgeLLM.Format;

namespace EdgeLLM.Quantize.Quantizers;

/// <summary>
/// Block quantization of Linear weights W[N = out_features, K = in_features] into ONNX Runtime's
/// MatMulNBits layout: blocks of <see cref="BlockQuantizationOptions.BlockSize"/> weights run along K,
/// codes are packed low bits first (4-bit: K-offset 2i in the low nibble of byte i, 2i + 1 in the high
/// nibble), K is padded with zeros to whole blocks, and packed zero points follow the same nibble order.
/// Rows are independent, so callers may feed any number of whole rows at a time.
/// </summary>
public sealed class BlockQuantizer
{
    /// <summary>Upper bound of fp32 weights held at once by <see cref="Quantize(WeightRows, BlockQuantizationOptions, PackedBytesSink)"/> (16 MiB).</summary>
    private const int ChunkWeightCount = 1 << 22;

    /// <summary>Rows quantized together with error feedback: each row of the factor is read once per group.</summary>
    private const int FeedbackRowGroup = 8;

    /// <summary>The largest block size (<see cref="BlockQuantizationOptions.SupportedBlockSizes"/>).</summary>
    private const int MaxBlockSize = 256;

    private readonly float[]? importance;
    private readonly ErrorFeedback? feedback;

    private BlockQuantizer(BlockQuantizationOptions options, int columnCount, float[]? importance, ErrorFeedback? feedback)
    {
        this.importance = importance;
        this.feedback = feedback;
        Options = options;
        ColumnCount = columnCount;
        Layout = new MatMulNBitsLayout(1, columnCount, options.Bits, options.BlockSize);
    }

    public BlockQuantizationOptions Options { get; }

    /// <summary>K: weights per row.</summary>
    public int ColumnCount { get; }

    /// <summary>The layout of one row (RowCount 1); per-row byte and block counts.</summary>
    public MatMulNBitsLayout Layout { get; }

    public static BlockQuantizer Create(BlockQuantizationOptions options, int columnCount) => Create(options, columnCount, null);

    /// <summary>
    /// A quantizer whose scale search weighs each weight's error by <paramref name="importance"/>[column] (the input
    /// channel's importance from <see cref="ChannelImportance"/>, one per column), or unweighted when null.
    /// Round-to-nearest scales ignore it.
    /// </summary>
    public static BlockQuantizer Create(BlockQuantizationOptions options, int columnCount, float[]? importance) => Create(options, columnCount, importance, null);

    /// <summary>
    /// A quantizer that also spreads each weight's rounding error over the row's later columns by GPTQ's
    /// <paramref name="feedback"/> (null: none): each block's parameters are chosen from the weights as the earlier
    /// blocks' errors left them. The recorded error is against the original weights.
    /// </summary>
    public static BlockQuantizer Create(BlockQuantizationOptions options, int columnCount, float[]? importance, ErrorFeedback? feedback)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columnCount);
        if (importance is not null && importance.Length != columnCount)
        {
            throw new ArgumentException($"{importance.Length} channel importances for rows of {columnCount}", nameof(importance));
        }

        if (feedback is not null && feedback.Width != columnCount)
        {
            throw new ArgumentException($"error feedback for {feedback.Width} columns on rows of {columnCount}", nameof(feedback));
        }

        return new BlockQuantizer(options, columnCount, importance, feedback);
    }

    /// <summary>
    /// Quantizes whole rows (<paramref name="weights"/> holds rowCount × K values) into
    /// rowCount × <see cref="MatMulNBitsLayout.PackedRowBytes"/> packed bytes, rowCount × k_blocks
    /// scales and, when asymmetric, rowCount × <see cref="MatMulNBitsLayout.ZeroPointRowBytes"/>
    /// zero-point bytes, recording every weight's error in <paramref name="error"/>.
    /// </summary>
    public void QuantizeRows(
        ReadOnlySpan<float> weights, Span<byte> packed, Span<float> scales, Span<byte> zeroPoints, QuantizationError error)
        => QuantizeRows(weights, packed, scales, zeroPoints, error, firstRow: 0);

    /// <summary><see cref="QuantizeRows(ReadOnlySpan{float}, Span{byte}, Span{float}, Span{byte}, QuantizationError)"/>; errors name rows from <paramref name="firstRow"/>.</summary>
    internal void QuantizeRows(
        ReadOnlySpan<float> weights, Span<byte> packed, Span<float> scales, Span<byte> zeroPoints, QuantizationError error, long firstRow)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (weights.Length % ColumnCount != 0)
        {
            throw new ArgumentException($"{weights.Length} weights are not whole rows of {ColumnCount}", nameof(weights));
        }

        int rowCount = weights.Length / ColumnCount;
        int zeroPointRowBytes = Options.Asymmetric ? Layout.ZeroPointRowBytes : 0;
        CheckLength(packed.Length, rowCount * Layout.PackedRowBytes, nameof(packed));
        CheckLength(scales.Length, rowCount * Layout.BlockCount, nameof(scales));
        CheckLength(zeroPoints.Length, rowCount * zeroPointRowBytes, nameof(zeroPoints));
        if (feedback is not null)
        {
            var errors = new float[FeedbackRowGroup * ColumnCount];
            for (int row = 0; row < rowCount; row += FeedbackRowGroup)
            {
                int count = Math.Min(FeedbackRowGroup, rowCount - row);
                QuantizeRowsWithFeedback(
                    firstRow + row,
                    count,
                    weights.Slice(row * ColumnCount, count * ColumnCount),
                    errors.AsSpan(0, count * ColumnCount),
                    packed.Slice(row * Layout.PackedRowBytes, count * Layout.PackedRowBytes),
                    scales.Slice(row * Layout.BlockCount, count * Layout.BlockCount),
                    zeroPoints.Slice(row * zeroPointRowBytes, count * zeroPointRowBytes),
                    error);
            }

            return;
        }

        for (int row = 0; row < rowCount; row++)
        {
            QuantizeRow(
                firstRow + row,
                weights.Slice(row * ColumnCount, ColumnCount),
                packed.Slice(row * Layout.PackedRowBytes, Layout.PackedRowBytes),
                scales.Slice(row * Layout.BlockCount, Layout.BlockCount),
                zeroPoints.Slice(row * zeroPointRowBytes, zeroPointRowBytes),
                error);
        }
    }

    /// <summary>
    /// Quantizes a weight row chunk by row chunk (at most 16 MiB of fp32 at a time, chunks split across
    /// cores), handing B's bytes to <paramref name="writePacked"/> in order and returning the scales,
    /// zero points and error. Weights that are not finite are reported by name, row and column.
    /// </summary>
    public static QuantizedTensor Quantize(WeightRows weight, BlockQuantizationOptions options, PackedBytesSink writePacked)
        => Quantize(weight, options, writePacked, ChunkWeightCount, null);

    /// <summary><see cref="Quantize(WeightRows, BlockQuantizationOptions, PackedBytesSink)"/> with the search weighted by <paramref name="importance"/> (one per column; null: unweighted).</summary>
    public static QuantizedTensor Quantize(WeightRows weight, BlockQuantizationOptions options, PackedBytesSink writePacked, float[]? importance)
        => Quantize(weight, options, writePacked, ChunkWeightCount, importance);

    /// <summary>... with GPTQ's error feedback as well (<see cref="Create(BlockQuantizationOptions, int, float[], ErrorFeedback)"/>; null: none).</summary>
    public static QuantizedTensor Quantize(WeightRows weight, BlockQuantizationOptions options, PackedBytesSink writePacked, float[]? importance, ErrorFeedback? feedback)
        => Quantize(weight, options, writePacked, ChunkWeightCount, importance, feedback);

    /// <summary><see cref="Quantize(WeightRows, BlockQuantizationOptions, PackedBytesSink)"/> with a chosen chunk bound (tests use small ones).</summary>
    internal static QuantizedTensor Quantize(WeightRows weight, BlockQuantizationOptions options, PackedBytesSink writePacked, int chunkWeightCount, float[]? importance = null, ErrorFeedback? feedback = null)
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(writePacked);
        if (importance is not null && importance.Length != weight.ColumnCount)
        {
            throw new EdgeLlmException($"tensor '{weight.Name}': {importance.Length} channel importances for {weight.ColumnCount} input features");
        }

        if (feedback is not null && feedback.Width != weight.ColumnCount)
        {
            throw new EdgeLlmException($"tensor '{weight.Name}': error feedback for {feedback.Width} input features, the tensor has {weight.ColumnCount}");
        }

        var quantizer = Create(options, weight.ColumnCount, importance, feedback);
        var layout = quantizer.Layout with { RowCount = weight.RowCount };
        var scales = new float[checked((int)layout.ScaleCount)];
        byte[]? zeroPoints = options.Asymmetric ? new byte[checked((int)layout.ZeroPointByteCount)] : null;
        int chunkRows = (int)Math.Clamp(chunkWeightCount / quantizer.ColumnCount, 1, weight.RowCount);
        // The chunk buffers (up to 16 MiB of fp32 and their packed bytes) come from the shared pool: a conversion
        // quantizes a few hundred tensors, and fresh large arrays each time leave the garbage collector gigabytes to
        // reclaim when a calibration's covariances keep its heap large (the 1.5B's default conversion: 1.75 GB
        // anonymous memory at its peak, 0.8 GB with the buffers pooled).
        float[] weights = ArrayPool<float>.Shared.Rent(chunkRows * quantizer.ColumnCount);
        byte[] packed = ArrayPool<byte>.Shared.Rent(chunkRows * layout.PackedRowBytes);
        var error = new QuantizationError();
        try
        {
            for (long firstRow = 0; firstRow < weight.RowCount; firstRow += chunkRows)
            {
                int rowCount = (int)Math.Min(chunkRows, weight.RowCount - firstRow);
                weight.ReadRows(firstRow, rowCount, weights.AsSpan(0, rowCount * quantizer.ColumnCount));
                try
                {
                    quantizer.QuantizeChunk(weights, rowCount, packed, scales, zeroPoints, checked((int)firstRow), error);
                }
                catch (AggregateException aggregate) when (aggregate.InnerException is EdgeLlmException invalid)
                {
                    throw new EdgeLlmException($"tensor '{weight.Name}': {invalid.Message}", invalid);
                }

                writePacked(packed.AsSpan(0, rowCount * layout.PackedRowBytes));
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(weights);
            ArrayPool<byte>.Shared.Return(packed);
        }

        return new QuantizedTensor(weight.Name, options, layout, scales, zeroPoints, error);
    }

    private static void CheckLength(int actual, int expected, string name)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"{name} holds {actual} elements but the rows need {expected}", name);
        }
    }

    /// <summary>Quantizes rowCount rows of a chunk in parallel slices; scales and zero points go to the tensor-wide arrays.</summary>
    private void QuantizeChunk(
        float[] weights, int rowCount, byte[] packed, float[] scales, byte[]? zeroPoints, int firstRow, QuantizationError error)
    {
        int sliceCount = Math.Min(Environment.ProcessorCount, rowCount);
        int rowsPerSlice = (rowCount + sliceCount - 1) / sliceCount;
        int zeroPointRowBytes = zeroPoints is null ? 0 : Layout.ZeroPointRowBytes;
        var sliceErrors = new QuantizationError[sliceCount];
        Parallel.For(0, sliceCount, slice =>
        {
            int start = slice * rowsPerSlice;
            int count = Math.Min(rowsPerSlice, rowCount - start);
            var sliceError = sliceErrors[slice] = new QuantizationError();
            if (count <= 0)
            {
                return;
            }

            long row = (long)firstRow + start;
            QuantizeRows(
                weights.AsSpan(start * ColumnCount, count * ColumnCount),
                packed.AsSpan(start * Layout.PackedRowBytes, count * Layout.PackedRowBytes),
                scales.AsSpan(checked((int)(row * Layout.BlockCount)), count * Layout.BlockCount),
                zeroPoints is null ? [] : zeroPoints.AsSpan(checked((int)(row * zeroPointRowBytes)), count * zeroPointRowBytes),
                sliceError,
                row);
        });
        foreach (var sliceError in sliceErrors)
        {
            error.Add(sliceError);
        }
    }

    private void QuantizeRow(long rowNumber, ReadOnlySpan<float> row, Span<byte> packed, Span<float> scales, Span<byte> zeroPoints, QuantizationError error)
    {
        packed.Clear();
        zeroPoints.Clear();
        int blockSize = Options.BlockSize;
        for (int block = 0; block < Layout.BlockCount; block++)
        {
            int start = block * blockSize;
            ReadOnlySpan<float> weights = row.Slice(start, Math.Min(blockSize, ColumnCount - start));
            CheckFinite(weights, rowNumber, start);
            BlockParameters parameters = ChooseStored(weights, start);
            scales[block] = parameters.Scale;
            Span<byte> blob = packed.Slice(block * Layout.BlobSize, Layout.BlobSize);
            var blockError = default(BlockError);
            for (int i = 0; i < blockSize; i++)
            {
                // Padding past K quantizes 0, which dequantizes to exactly 0.
                float weight = i < weights.Length ? weights[i] : 0f;
                int code = parameters.Code(weight, Options.MaxCode);
                WriteCode(blob, i, code);
                blockError.Add(weight, parameters.Dequantize(code));
            }

            error.Record(weights.Length, blockError.SquaredErrorSum, blockError.SquaredWeightSum, blockError.MaxAbsoluteError);
            if (!zeroPoints.IsEmpty)
            {
                WriteCode(zeroPoints, block, parameters.ZeroPoint);
            }
        }
    }

    /// <summary>
    /// GPTQ over <paramref name="rowCount"/> rows at once, column by column (<see cref="ErrorFeedback"/>): each column's
    /// weight is corrected by the final errors of the earlier columns (<paramref name="errors"/>, δ = w − dequantized) before it
    /// is rounded; each block's parameters are chosen from its weights as the earlier blocks' errors leave them (the
    /// block's own columns corrected as if they had rounded exactly). The earlier blocks' part of every column's
    /// correction is one dot product per row with F's row read once for the group. Errors are recorded against the
    /// original weights.
    /// </summary>
    private void QuantizeRowsWithFeedback(
        long firstRow, int rowCount, ReadOnlySpan<float> rows, Span<float> errors, Span<byte> packed, Span<float> scales, Span<byte> zeroPoints, QuantizationError error)
    {
        ErrorFeedback factor = feedback!;
        packed.Clear();
        zeroPoints.Clear();
        for (int row = 0; row < rowCount; row++)
        {
            CheckFinite(rows.Slice(row * ColumnCount, ColumnCount), firstRow + row, 0);
        }

        int blockSize = Options.BlockSize;
        int zeroPointRowBytes = zeroPoints.Length / rowCount;

        // Per block, column-major over the group's rows ([column × FeedbackRowGroup + row]): the earlier blocks' part of
        // each correction, the block's own errors so far, and the corrections of one column. Rows past rowCount stay 0.
        Span<float> prefixDots = stackalloc float[FeedbackRowGroup * MaxBlockSize];
        Span<float> blockErrors = stackalloc float[FeedbackRowGroup * MaxBlockSize];
        Span<float> corrections = stackalloc float[FeedbackRowGroup];
        Span<float> dots = stackalloc float[FeedbackRowGroup];
        Span<BlockError> blockErrorSums = stackalloc BlockError[FeedbackRowGroup];
        Span<float> provisional = stackalloc float[FeedbackRowGroup * MaxBlockSize];
        Span<BlockParameters> parameters = stackalloc BlockParameters[FeedbackRowGroup];
        for (int block = 0; block < Layout.BlockCount; block++)
        {
            int start = block * blockSize;
            int length = Math.Min(blockSize, ColumnCount - start);
            prefixDots.Clear();
            for (int i = 0; i < length; i++)
            {
                factor.PrefixDots(start + i, start, errors, ColumnCount, rowCount, dots);
                dots[..rowCount].CopyTo(prefixDots[(i * FeedbackRowGroup)..]);
            }

            // The block as the earlier blocks' errors leave it, its own columns taken as rounded exactly (δ = w − w_current).
            for (int i = 0; i < length; i++)
            {
                Corrections(factor, start, i, prefixDots, blockErrors, corrections);
                for (int row = 0; row < FeedbackRowGroup; row++)
                {
                    float weight = row < rowCount ? rows[(row * ColumnCount) + start + i] : 0f;
                    provisional[(row * MaxBlockSize) + i] = weight + corrections[row];
                    blockErrors[(i * FeedbackRowGroup) + row] = -corrections[row];
                }
            }

            for (int row = 0; row < rowCount; row++)
            {
                parameters[row] = ChooseStored(provisional.Slice(row * MaxBlockSize, length), start);
                scales[(row * Layout.BlockCount) + block] = parameters[row].Scale;
            }

            // The columns in order, each corrected by every earlier column's final error, then rounded.
            blockErrorSums.Clear();
            for (int i = 0; i < length; i++)
            {
                Corrections(factor, start, i, prefixDots, blockErrors, corrections);
                for (int row = 0; row < rowCount; row++)
                {
                    // Rows past rowCount keep the provisional pass's zeros.
                    float weight = rows[(row * ColumnCount) + start + i];
                    int code = parameters[row].Code(weight + corrections[row], Options.MaxCode);
                    WriteCode(packed.Slice((row * Layout.PackedRowBytes) + (block * Layout.BlobSize), Layout.BlobSize), i, code);
                    float dequantized = parameters[row].Dequantize(code);
                    float residual = weight - dequantized;
                    blockErrorSums[row].Add(weight, dequantized);
                    errors[(row * ColumnCount) + start + i] = residual;
                    blockErrors[(i * FeedbackRowGroup) + row] = residual;
                }
            }

            for (int row = 0; row < rowCount; row++)
            {
                // Padding past K takes the code of weight 0, which dequantizes to exactly 0.
                Span<byte> blob = packed.Slice((row * Layout.PackedRowBytes) + (block * Layout.BlobSize), Layout.BlobSize);
                for (int i = length; i < blockSize; i++)
                {
                    WriteCode(blob, i, parameters[row].Code(0f, Options.MaxCode));
                }

                BlockError blockError = blockErrorSums[row];
                error.Record(length, blockError.SquaredErrorSum, blockError.SquaredWeightSum, blockError.MaxAbsoluteError);
                if (zeroPointRowBytes > 0)
                {
                    WriteCode(zeroPoints.Slice(row * zeroPointRowBytes, zeroPointRowBytes), block, parameters[row].ZeroPoint);
                }
            }
        }
    }

    /// <summary>
    /// corrections[r] = (prefixDots[i, r] + Σ_{k&lt;i} F[start + i, start + k]·blockErrors[k, r]) / F[start + i, start + i] for the
    /// group's rows, summed in k order for each row (the rows lie across vector lanes).
    /// </summary>
    private static void Corrections(ErrorFeedback factor, int start, int i, ReadOnlySpan<float> prefixDots, ReadOnlySpan<float> blockErrors, Span<float> corrections)
    {
        ReadOnlySpan<float> inBlock = factor.Row(start + i).Slice(start, i);
        float diagonal = factor.Diagonal(start + i);
        if (Vector.IsHardwareAccelerated && FeedbackRowGroup % Vector<float>.Count == 0)
        {
            for (int lane = 0; lane < FeedbackRowGroup; lane += Vector<float>.Count)
            {
                var sum = Vector<float>.Zero;
                for (int k = 0; k < i; k++)
                {
                    sum += new Vector<float>(inBlock[k]) * new Vector<float>(blockErrors[((k * FeedbackRowGroup) + lane)..]);
                }

                ((new Vector<float>(prefixDots[((i * FeedbackRowGroup) + lane)..]) + sum) / new Vector<float>(diagonal)).CopyTo(corrections[lane..]);
            }

            return;
        }

        for (int row = 0; row < FeedbackRowGroup; row++)
        {
            float sum = 0f;
            for (int k = 0; k < i; k++)
            {
                sum += inBlock[k] * blockErrors[(k * FeedbackRowGroup) + row];
            }

            corrections[row] = (prefixDots[(i * FeedbackRowGroup) + row] + sum) / diagonal;
        }
    }

    /// <summary>The block's parameters as they are stored (an fp16 scale rounded; the codes stay, dequantization uses the stored scale).</summary>
    private BlockParameters ChooseStored(ReadOnlySpan<float> weights, int start)
    {
        BlockParameters parameters = Choose(weights, importance is null ? [] : importance.AsSpan(start, weights.Length));
        return Options.HalfScales ? parameters with { Scale = (float)(Half)parameters.Scale } : parameters;
    }

    /// <summary>One block's error sums against the original weights.</summary>
    private struct BlockError
    {
        public double SquaredErrorSum;
        public double SquaredWeightSum;
        public double MaxAbsoluteError;

        public void Add(float weight, float dequantized)
        {
            double difference = dequantized - (double)weight;
            SquaredErrorSum += difference * difference;
            SquaredWeightSum += (double)weight * weight;
            MaxAbsoluteError = Math.Max(MaxAbsoluteError, Math.Abs(difference));
        }
    }

    private BlockParameters Choose(ReadOnlySpan<float> weights, ReadOnlySpan<float> channelImportance)
    {
        if (Options.ScaleChoice == ScaleChoice.Search)
        {
            return ClippingScaleSearch.Choose(weights, channelImportance, Options.Bits, Options.Asymmetric);
        }

        return Options.Asymmetric
            ? RoundToNearestScales.Asymmetric(weights, Options.MaxCode)
            : RoundToNearestScales.Symmetric(weights, Options.MidCode);
    }

    /// <summary>Stores code number <paramref name="index"/> of a packed run (4-bit: low nibble first).</summary>
    private void WriteCode(Span<byte> destination, int index, int code)
    {
        if (Options.Bits == 8)
        {
            destination[index] = (byte)code;
        }
        else
        {
            destination[index >> 1] |= (byte)(code << ((index & 1) * 4));
        }
    }

    private static void CheckFinite(ReadOnlySpan<float> weights, long rowNumber, int start)
    {
        for (int i = 0; i < weights.Length; i++)
        {
            if (!float.IsFinite(weights[i]))
            {
                throw new EdgeLlmException($"weight {weights[i]} at row {rowNumber}, column {start + i} is not finite");
            }
        }
    }
}
