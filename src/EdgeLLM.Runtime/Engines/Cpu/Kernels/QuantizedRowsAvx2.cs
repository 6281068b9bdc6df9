using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeLLM.Runtime.Engines.Cpu.Kernels;

/// <summary>
/// AVX2 block-quantized rows, four rows per pass so each activation load serves all four. A step is 32 weight bytes
/// (64 inputs for 4 bits, 32 for 8): <c>vpmaddubsw</c> (unsigned weight × signed activation, adjacent pairs to int16)
/// then <c>vpmaddwd</c> with ones gives 8 int32 lanes; each lane is scaled by its block's activation × weight scale
/// and accumulated in fp32. 4-bit: codes 0..15 multiply directly (pairs ≤ 3810, no saturation) and 8 × the lane's
/// activation code sum is subtracted in int32 (the symmetric zero point, exact). 8-bit: weights are re-centred
/// (q ^ 0x80 = q − 128) and multiplied with the sign trick (|w| × sign(a, w), pairs ≤ 32512). Stored zero points
/// differ from those implied ones by (zp − 8) or (zp − 128): that term is subtracted per block afterwards. With
/// AVX-VNNI the multiply-adds are <c>vpdpbusd</c>. The loops are generic over the dot product and the block-to-lane
/// pattern so the JIT compiles each combination straight-line.
/// </summary>
internal static unsafe class QuantizedRowsAvx2
{
    /// <summary>
    /// Above this many bytes of one token's activation data plus two passes' weights, the next pass is prefetched into
    /// L2 instead of L1, where it would evict the activations (measured: down_proj, K = 8960, streams 1.3× faster from
    /// L2; the K = 1536 projections 1.3× faster from L1).
    /// </summary>
    private const int NearPrefetchBytes = 16 << 10;

    /// <summary>Tokens per pass of the several-token 4-bit kernel.</summary>
    private const int TokensPerPass = 4;
    /// <summary>Computes rows (up to four; missing rows repeat the last) for one token; writes rowCount results.</summary>
    public static void Rows4(
        in WeightMatrix weight, int firstRow, int rowCount, float** rowScales, in QuantizedActivations activations, float* results, bool vnni)
    {
        bool int4 = weight.Layout == WeightLayout.Int4Blocks;
        int stepInputs = int4 ? 64 : 32;
        int blocksPerStep = stepInputs / weight.BlockSize;
        var rows = new RowPointers(weight, firstRow, rowCount, rowScales);
        int stepCount = weight.PaddedInputCount / stepInputs;
        int stepShift = blocksPerStep >= 1 ? 0 : System.Numerics.BitOperations.Log2((uint)(weight.BlockSize / stepInputs));
        Vector256<float> sums = (int4, vnni, blocksPerStep) switch
        {
            (true, false, 4) => Int4<MultiplyAdd, FourBlocks>(rows, activations, stepCount, 0),
            (true, false, 2) => Int4<MultiplyAdd, TwoBlocks>(rows, activations, stepCount, 0),
            (true, false, _) => Int4<MultiplyAdd, OneBlock>(rows, activations, stepCount, stepShift),
            (true, true, 4) => Int4<Vnni, FourBlocks>(rows, activations, stepCount, 0),
            (true, true, 2) => Int4<Vnni, TwoBlocks>(rows, activations, stepCount, 0),
            (true, true, _) => Int4<Vnni, OneBlock>(rows, activations, stepCount, stepShift),
            (false, false, 2) => Int8<MultiplyAdd, TwoBlocks>(rows, activations, stepCount, 0),
            (false, false, _) => Int8<MultiplyAdd, OneBlock>(rows, activations, stepCount, stepShift),
            (false, true, 2) => Int8<Vnni, TwoBlocks>(rows, activations, stepCount, 0),
            (false, true, _) => Int8<Vnni, OneBlock>(rows, activations, stepCount, stepShift),
        };

        // Blocks after the last whole step (block sizes below one step with an odd block count), then stored zero points.
        int firstTailBlock = stepCount * stepInputs / weight.BlockSize;
        int impliedZeroPoint = int4 ? 8 : 128;
        for (int i = 0; i < rowCount; i++)
        {
            results[i] = sums[i] + Tail(weight, firstRow + i, rowScales[i], activations, firstTailBlock, impliedZeroPoint);
        }
    }

    /// <summary>
    /// True when <see cref="Range"/> runs <paramref name="weight"/>: no stored zero points, and K a whole number of steps (every block size from 16 up whose padded K is a multiple of 64 for 4 bits, 32 for 8 bits).
    /// </summary>
    public static bool RunsRange(in WeightMatrix weight)
    {
        int stepInputs = weight.Layout == WeightLayout.Int4Blocks ? 64 : 32;
        return weight.ZeroPoints == 0 && weight.PaddedInputCount % stepInputs == 0;
    }

    /// <summary>
    /// True when <see cref="Range"/> runs <paramref name="weight"/>'s several-token calls with the reduced four-token
    /// kernel (4-bit, blocks of 32, at least four tokens), which reads <see cref="LinearScratch.ArrangeQuad"/>.
    /// </summary>
    public static bool RunsQuads(in WeightMatrix weight, int tokenCount)
        => weight.Layout == WeightLayout.Int4Blocks && weight.BlockSize == 32 && tokenCount >= TokensPerPass && RunsRange(weight);

    /// <summary>
    /// Rows [<paramref name="first"/>, <paramref name="last"/>) for every token of <paramref name="scratch"/>, written
    /// straight to output[token · outputStride + row − firstOutput]: four rows per pass, the next pass's codes and scales
    /// prefetched while this one is multiplied (the first token's pass streams them; the others find them in L1).
    /// Only for weights where <see cref="RunsRange"/> holds.
    /// </summary>
    public static void Range(
        in WeightMatrix weight, int first, int last, int firstOutput, LinearScratch scratch, int tokenCount, float* output, int outputStride, bool vnni)
    {
        bool int4 = weight.Layout == WeightLayout.Int4Blocks;
        int stepInputs = int4 ? 64 : 32;
        int blocksPerStep = stepInputs / weight.BlockSize;
        var job = new RangeJob
        {
            Values = (byte*)weight.Values,
            Scales = (byte*)weight.Scales,
            HalfScales = weight.ScalesAreHalf,
            RowBytes = weight.RowBytes,
            BlockCount = weight.BlockCount,
            First = first,
            Last = last,
            StepCount = weight.PaddedInputCount / stepInputs,
            StepShift = blocksPerStep >= 1 ? 0 : System.Numerics.BitOperations.Log2((uint)(weight.BlockSize / stepInputs)),
            Scratch = scratch,
            TokenCount = tokenCount,
            Output = output + (first - firstOutput),
            OutputStride = outputStride,
        };
        if (int4 && tokenCount >= TokensPerPass)
        {
            // Prompt: four tokens share each unpacked weight step; the tokens after the last whole four run one by one.
            switch (vnni, blocksPerStep)
            {
                case (false, 4): Int4Tokens<MultiplyAdd, FourBlocks>(job); break;
                case (false, 2): Int4QuadPairs(job); break;
                case (false, _): Int4Tokens<MultiplyAdd, OneBlock>(job); break;
                case (true, 4): Int4Tokens<Vnni, FourBlocks>(job); break;
                case (true, 2): Int4Quads<Vnni>(job); break;
                case (true, _): Int4Tokens<Vnni, OneBlock>(job); break;
            }

            job = job with { FirstToken = tokenCount - (tokenCount % TokensPerPass) };
            if (job.FirstToken == tokenCount)
            {
                return;
            }
        }

        switch (int4, vnni, blocksPerStep)
        {
            case (true, false, 4): RowsRange<FourBit, MultiplyAdd, FourBlocks>(job); break;
            case (true, false, 2): RowsRange<FourBit, MultiplyAdd, TwoBlocks>(job); break;
            case (true, false, _): RowsRange<FourBit, MultiplyAdd, OneBlock>(job); break;
            case (true, true, 4): RowsRange<FourBit, Vnni, FourBlocks>(job); break;
            case (true, true, 2): RowsRange<FourBit, Vnni, TwoBlocks>(job); break;
            case (true, true, _): RowsRange<FourBit, Vnni, OneBlock>(job); break;
            case (false, false, 2): RowsRange<EightBit, MultiplyAdd, TwoBlocks>(job); break;
            case (false, false, _): RowsRange<EightBit, MultiplyAdd, OneBlock>(job); break;
            case (false, true, 2): RowsRange<EightBit, Vnni, TwoBlocks>(job); break;
            case (false, true, _): RowsRange<EightBit, Vnni, OneBlock>(job); break;
        }
    }

    /// <summary>One token at a time, four rows per pass over the thread's range (4-bit or 8-bit codes by <typeparamref name="TCodes"/>).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void RowsRange<TCodes, TDot, TLanes>(in RangeJob job)
        where TCodes : struct, ICodeWidth
        where TDot : struct, IStepDot
        where TLanes : struct, IScaleLanes
    {
        int rowBytes = job.RowBytes, blockCount = job.BlockCount, stepCount = job.StepCount, stepShift = job.StepShift;
        int scaleBytes = job.HalfScales ? sizeof(ushort) : sizeof(float);
        int scaleBytesPerStep = 4 * blockCount * scaleBytes / stepCount;
        float* widened = stackalloc float[job.HalfScales ? 4 * blockCount : 0];
        bool near = NearPrefetch(rowBytes, stepCount);
        LinearScratch scratch = job.Scratch;
        for (int row = job.First; row < job.Last; row += 4)
        {
            int rowCount = Math.Min(4, job.Last - row);
            byte* w0 = job.Values + ((long)row * rowBytes);
            float* s0 = RowScales(job, row, rowCount, widened);
            long w1 = rowCount > 1 ? rowBytes : 0, w2 = rowCount > 2 ? 2L * rowBytes : w1, w3 = rowCount > 3 ? 3L * rowBytes : w2;
            long s1 = rowCount > 1 ? blockCount : 0, s2 = rowCount > 2 ? 2L * blockCount : s1, s3 = rowCount > 3 ? 3L * blockCount : s2;
            byte* next = w0 + (4L * rowBytes);
            byte* nextScales = job.Scales + ((long)(row + 4) * blockCount * scaleBytes);
            float* y = job.Output + (row - job.First);
            for (int token = job.FirstToken; token < job.TokenCount; token++)
            {
                var activations = QuantizedActivations.ForToken(scratch, token);
                Vector256<float> sums = TCodes.Nibbles
                    ? Int4Steps<TDot, TLanes>(
                        w0, w0 + w1, w0 + w2, w0 + w3, s0, s0 + s1, s0 + s2, s0 + s3, activations, stepCount, stepShift, next, nextScales, scaleBytesPerStep, near)
                    : Int8Steps<TDot, TLanes>(
                        w0, w0 + w1, w0 + w2, w0 + w3, s0, s0 + s1, s0 + s2, s0 + s3, activations, stepCount, stepShift, next, nextScales, scaleBytesPerStep, near);
                Store(sums, y + ((long)token * job.OutputStride), rowCount);
            }
        }
    }

    /// <summary>
    /// 4-bit, several tokens: two rows by four tokens per pass, each 32-byte weight step unpacked once and multiplied
    /// with the four tokens' codes (eight accumulators). Tokens [0, 4·⌊T/4⌋) only.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Int4Tokens<TDot, TLanes>(in RangeJob job)
        where TDot : struct, IStepDot
        where TLanes : struct, IScaleLanes
    {
        int rowBytes = job.RowBytes, blockCount = job.BlockCount, stepCount = job.StepCount, stepShift = job.StepShift;
        int wholeTokens = job.TokenCount - (job.TokenCount % TokensPerPass);
        LinearScratch scratch = job.Scratch;
        int codeStride = scratch.CodeStride, laneStride = scratch.LaneStride;
        long outputStride = job.OutputStride;
        Vector256<byte> mask = Vector256.Create((byte)0x0F);
        float* widened = stackalloc float[job.HalfScales ? 2 * blockCount : 0];
        for (int row = job.First; row < job.Last; row += 2)
        {
            bool pair = row + 1 < job.Last;
            byte* wa = job.Values + ((long)row * rowBytes);
            byte* wb = pair ? wa + rowBytes : wa;
            float* sa = RowScales(job, row, pair ? 2 : 1, widened);
            float* sb = pair ? sa + blockCount : sa;
            float* y = job.Output + (row - job.First);
            for (int token = 0; token < wholeTokens; token += TokensPerPass)
            {
                sbyte* c0 = scratch.Codes + ((long)token * codeStride);
                sbyte* c1 = c0 + codeStride, c2 = c1 + codeStride, c3 = c2 + codeStride;
                float* l0 = scratch.LaneScales + ((long)token * laneStride);
                float* l1 = l0 + laneStride, l2 = l1 + laneStride, l3 = l2 + laneStride;
                int* z0 = scratch.LaneZeroPointSums + ((long)token * laneStride);
                int* z1 = z0 + laneStride, z2 = z1 + laneStride, z3 = z2 + laneStride;
                Vector256<float> a0 = Vector256<float>.Zero, a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
                for (int step = 0; step < stepCount; step++)
                {
                    int codeOffset = step * 64, laneOffset = step * 8;
                    Vector256<byte> p = Vector256.Load(wa + (step * 32));
                    Vector256<byte> low = p & mask, high = Avx2.ShiftRightLogical(p.AsUInt16(), 4).AsByte() & mask;
                    Vector256<float> ws = TLanes.Load(sa, step, stepShift);
                    a0 = Accumulate<TDot>(a0, low, high, c0 + codeOffset, z0 + laneOffset, l0 + laneOffset, ws);
                    a1 = Accumulate<TDot>(a1, low, high, c1 + codeOffset, z1 + laneOffset, l1 + laneOffset, ws);
                    a2 = Accumulate<TDot>(a2, low, high, c2 + codeOffset, z2 + laneOffset, l2 + laneOffset, ws);
                    a3 = Accumulate<TDot>(a3, low, high, c3 + codeOffset, z3 + laneOffset, l3 + laneOffset, ws);
                    p = Vector256.Load(wb + (step * 32));
                    low = p & mask;
                    high = Avx2.ShiftRightLogical(p.AsUInt16(), 4).AsByte() & mask;
                    ws = TLanes.Load(sb, step, stepShift);
                    b0 = Accumulate<TDot>(b0, low, high, c0 + codeOffset, z0 + laneOffset, l0 + laneOffset, ws);
                    b1 = Accumulate<TDot>(b1, low, high, c1 + codeOffset, z1 + laneOffset, l1 + laneOffset, ws);
                    b2 = Accumulate<TDot>(b2, low, high, c2 + codeOffset, z2 + laneOffset, l2 + laneOffset, ws);
                    b3 = Accumulate<TDot>(b3, low, high, c3 + codeOffset, z3 + laneOffset, l3 + laneOffset, ws);
                }

                Vector256<float> rowA = HorizontalSums(a0, a1, a2, a3);
                float* yt = y + (token * outputStride);
                yt[0] = rowA.GetElement(0);
                yt[outputStride] = rowA.GetElement(1);
                yt[2 * outputStride] = rowA.GetElement(2);
                yt[3 * outputStride] = rowA.GetElement(3);
                if (pair)
                {
                    Vector256<float> rowB = HorizontalSums(b0, b1, b2, b3);
                    yt[1] = rowB.GetElement(0);
                    yt[outputStride + 1] = rowB.GetElement(1);
                    yt[(2 * outputStride) + 1] = rowB.GetElement(2);
                    yt[(3 * outputStride) + 1] = rowB.GetElement(3);
                }
            }
        }
    }

    /// <summary>
    /// AVX-VNNI (<see cref="Int4QuadPairs"/> runs plain AVX2), 4-bit in blocks of 32, several tokens: four tokens per pass over each row of a group of four. Per row and step the four tokens' int32
    /// dot products are reduced (three <c>vphaddd</c>) to one vector [token 0..3 of block A | token 0..3 of block B], so
    /// the implied zero point, the conversion and both scales are applied once per row and step instead of once per
    /// token (<see cref="LinearScratch.ArrangeQuad"/> holds the tokens' block sums and scales in that order).
    /// Tokens [0, 4·⌊T/4⌋) only.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Int4Quads<TDot>(in RangeJob job)
        where TDot : struct, IStepDot
    {
        int rowBytes = job.RowBytes, blockCount = job.BlockCount, stepCount = job.StepCount;
        int wholeTokens = job.TokenCount - (job.TokenCount % TokensPerPass);
        LinearScratch scratch = job.Scratch;
        int codeStride = scratch.CodeStride, quadStride = scratch.QuadStride;
        long outputStride = job.OutputStride;
        Vector256<byte> mask = Vector256.Create((byte)0x0F);
        float* widened = stackalloc float[job.HalfScales ? 4 * blockCount : 0];
        for (int row = job.First; row < job.Last; row += 4)
        {
            int rowCount = Math.Min(4, job.Last - row);
            byte* w0 = job.Values + ((long)row * rowBytes);
            float* s0 = RowScales(job, row, rowCount, widened);
            float* y = job.Output + (row - job.First);
            for (int token = 0; token < wholeTokens; token += TokensPerPass)
            {
                sbyte* c0 = scratch.Codes + ((long)token * codeStride);
                sbyte* c1 = c0 + codeStride, c2 = c1 + codeStride, c3 = c2 + codeStride;
                int* zeroPoints = scratch.QuadZeroPointSums + ((long)(token / TokensPerPass) * quadStride);
                float* scales = scratch.QuadScales + ((long)(token / TokensPerPass) * quadStride);

                // One row at a time over all steps: one accumulator, the four tokens' codes read from L1 as memory
                // operands, so nothing spills in the x86-64-v3 build's 16 vector registers (four rows at once did).
                for (int r = 0; r < rowCount; r++)
                {
                    byte* weights = w0 + ((long)r * rowBytes);
                    float* rowScales = s0 + ((long)r * blockCount);
                    Vector256<float> acc = Vector256<float>.Zero;
                    for (int step = 0; step < stepCount; step++)
                    {
                        int codeOffset = step * 64, quadOffset = step * 8;
                        acc = QuadStep<TDot>(
                            acc, weights + (step * 32), rowScales, step, c0 + codeOffset, c1 + codeOffset, c2 + codeOffset, c3 + codeOffset,
                            mask, Vector256.Load(zeroPoints + quadOffset), Vector256.Load(scales + quadOffset));
                    }

                    StoreQuad(acc, y + r, outputStride);
                }

                y += TokensPerPass * outputStride;
            }
        }
    }

    /// <summary>
    /// AVX2 (no VNNI), 4-bit in blocks of 32, several tokens: two rows by eight tokens per pass (then by four), so each
    /// weight step is unpacked once for eight tokens and each token's codes are loaded once for both rows. A group of
    /// four tokens' products stays int16 until one <c>vpmaddwd</c>: per token low·even + high·odd (|pair| ≤ 2 · 15 ·
    /// 127, sum ≤ 7620), then two rounds of <c>vphaddw</c> (≤ 30480, inside int16) leave each 128-bit half as
    /// [token 0..3 pairs], and the multiply-add with ones gives [token 0..3 of block A | token 0..3 of block B] in
    /// int32 — the sums <see cref="Int4Quads"/> forms with four <c>vpmaddwd</c> and three <c>vphaddd</c>, exact and
    /// equal. Tokens [0, 4·⌊T/4⌋) only.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Int4QuadPairs(in RangeJob job)
    {
        int rowBytes = job.RowBytes, blockCount = job.BlockCount;
        int wholeTokens = job.TokenCount - (job.TokenCount % TokensPerPass);
        float* widened = stackalloc float[job.HalfScales ? 4 * blockCount : 0];
        float* lanes = stackalloc float[4 * 4 * blockCount];
        for (int row = job.First; row < job.Last; row += 4)
        {
            int rowCount = Math.Min(4, job.Last - row);
            SpreadToLanes(RowScales(job, row, rowCount, widened), rowCount * blockCount, lanes);
            byte* w0 = job.Values + ((long)row * rowBytes);
            float* y = job.Output + (row - job.First);
            int token = 0;
            for (; token + (2 * TokensPerPass) <= wholeTokens; token += 2 * TokensPerPass)
            {
                for (int r = 0; r < rowCount; r += 2)
                {
                    RowPairPass<TwoQuads>(job, w0, lanes, r, rowCount, token, y);
                }
            }

            for (; token < wholeTokens; token += TokensPerPass)
            {
                for (int r = 0; r < rowCount; r += 2)
                {
                    RowPairPass<OneQuad>(job, w0, lanes, r, rowCount, token, y);
                }
            }
        }
    }

    /// <summary>
    /// Rows r and r + 1 of a group (r alone when it is the last) over all steps for one or two groups of four tokens
    /// from <paramref name="token"/>: each weight step is unpacked once for all of them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RowPairPass<TQuads>(in RangeJob job, byte* w0, float* lanes, int r, int rowCount, int token, float* y)
        where TQuads : struct, IQuadCount
    {
        int rowBytes = job.RowBytes, blockCount = job.BlockCount, stepCount = job.StepCount;
        LinearScratch scratch = job.Scratch;
        int codeStride = scratch.CodeStride, quadStride = scratch.QuadStride;
        long outputStride = job.OutputStride;
        Vector256<byte> mask = Vector256.Create((byte)0x0F);
        bool pair = r + 1 < rowCount;
        byte* wa = w0 + ((long)r * rowBytes);
        byte* wb = pair ? wa + rowBytes : wa;
        float* sa = lanes + ((long)r * 4 * blockCount);
        float* sb = pair ? sa + (4 * blockCount) : sa;
        sbyte* c0 = scratch.Codes + ((long)token * codeStride);
        sbyte* c4 = c0 + (4L * codeStride);
        int* zeroPoints = scratch.QuadZeroPointSums + ((long)(token / TokensPerPass) * quadStride);
        float* scales = scratch.QuadScales + ((long)(token / TokensPerPass) * quadStride);
        Vector256<float> accA = Vector256<float>.Zero, accB = accA, accC = accA, accD = accA;
        for (int step = 0; step < stepCount; step++)
        {
            Vector256<byte> pa = Vector256.Load(wa + (step * 32)), pb = Vector256.Load(wb + (step * 32));
            Vector256<byte> lowA = pa & mask, highA = Avx2.ShiftRightLogical(pa.AsUInt16(), 4).AsByte() & mask;
            Vector256<byte> lowB = pb & mask, highB = Avx2.ShiftRightLogical(pb.AsUInt16(), 4).AsByte() & mask;
            int lane = step * 8;
            (accA, accB) = QuadStepPair(
                lowA, highA, lowB, highB, c0 + (step * 64), codeStride, zeroPoints + lane, scales + lane, sa + lane, sb + lane, accA, accB);
            if (TQuads.Two)
            {
                (accC, accD) = QuadStepPair(
                    lowA, highA, lowB, highB, c4 + (step * 64), codeStride, zeroPoints + quadStride + lane, scales + quadStride + lane, sa + lane, sb + lane, accC, accD);
            }
        }

        float* yt = y + r + (token * outputStride);
        StoreQuad(accA, yt, outputStride);
        if (pair)
        {
            StoreQuad(accB, yt + 1, outputStride);
        }

        if (TQuads.Two)
        {
            yt += TokensPerPass * outputStride;
            StoreQuad(accC, yt, outputStride);
            if (pair)
            {
                StoreQuad(accD, yt + 1, outputStride);
            }
        }
    }

    /// <summary>One step of two rows (unpacked nibbles) for four tokens (codes from <paramref name="c0"/>), accumulated.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float> A, Vector256<float> B) QuadStepPair(
        Vector256<byte> lowA, Vector256<byte> highA, Vector256<byte> lowB, Vector256<byte> highB, sbyte* c0, int codeStride,
        int* quadZeroPoints, float* quadScales, float* lanesA, float* lanesB, Vector256<float> accA, Vector256<float> accB)
    {
        Vector256<sbyte> even = Vector256.Load(c0), odd = Vector256.Load(c0 + 32);
        Vector256<short> a0 = Avx2.MultiplyAddAdjacent(lowA, even) + Avx2.MultiplyAddAdjacent(highA, odd);
        Vector256<short> b0 = Avx2.MultiplyAddAdjacent(lowB, even) + Avx2.MultiplyAddAdjacent(highB, odd);
        sbyte* c1 = c0 + codeStride;
        even = Vector256.Load(c1);
        odd = Vector256.Load(c1 + 32);
        Vector256<short> a01 = Avx2.HorizontalAdd(a0, Avx2.MultiplyAddAdjacent(lowA, even) + Avx2.MultiplyAddAdjacent(highA, odd));
        Vector256<short> b01 = Avx2.HorizontalAdd(b0, Avx2.MultiplyAddAdjacent(lowB, even) + Avx2.MultiplyAddAdjacent(highB, odd));
        sbyte* c2 = c1 + codeStride;
        even = Vector256.Load(c2);
        odd = Vector256.Load(c2 + 32);
        Vector256<short> a2 = Avx2.MultiplyAddAdjacent(lowA, even) + Avx2.MultiplyAddAdjacent(highA, odd);
        Vector256<short> b2 = Avx2.MultiplyAddAdjacent(lowB, even) + Avx2.MultiplyAddAdjacent(highB, odd);
        sbyte* c3 = c2 + codeStride;
        even = Vector256.Load(c3);
        odd = Vector256.Load(c3 + 32);
        Vector256<short> a23 = Avx2.HorizontalAdd(a2, Avx2.MultiplyAddAdjacent(lowA, even) + Avx2.MultiplyAddAdjacent(highA, odd));
        Vector256<short> b23 = Avx2.HorizontalAdd(b2, Avx2.MultiplyAddAdjacent(lowB, even) + Avx2.MultiplyAddAdjacent(highB, odd));
        Vector256<short> ones = Vector256.Create((short)1);
        Vector256<int> zeroPoints = Vector256.Load(quadZeroPoints);
        Vector256<float> scales = Vector256.Load(quadScales);
        Vector256<int> sumsA = Avx2.MultiplyAddAdjacent(Avx2.HorizontalAdd(a01, a23), ones) - zeroPoints;
        Vector256<int> sumsB = Avx2.MultiplyAddAdjacent(Avx2.HorizontalAdd(b01, b23), ones) - zeroPoints;
        return (
            Fma.MultiplyAdd(Avx.ConvertToVector256Single(sumsA), scales * Vector256.Load(lanesA), accA),
            Fma.MultiplyAdd(Avx.ConvertToVector256Single(sumsB), scales * Vector256.Load(lanesB), accB));
    }

    /// <summary>
    /// Each of <paramref name="count"/> block scales (whole rows of blocks of 32, two blocks per step) four times, so a
    /// step's eight lanes [block A × 4 | block B × 4] are one load.
    /// </summary>
    private static void SpreadToLanes(float* scales, int count, float* lanes)
    {
        int i = 0;
        for (; i + 2 <= count; i += 2)
        {
            TwoBlocks.Load(scales + i, 0, 0).Store(lanes + (4 * i));
        }

        for (; i < count; i++)
        {
            Vector128.Create(scales[i]).Store(lanes + (4 * i));
        }
    }

    /// <summary>Writes one row's four token results (lane t + lane t + 4) down the output's token stride.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreQuad(Vector256<float> acc, float* y, long outputStride)
    {
        Vector128<float> result = acc.GetLower() + acc.GetUpper();
        y[0] = result.GetElement(0);
        y[outputStride] = result.GetElement(1);
        y[2 * outputStride] = result.GetElement(2);
        y[3 * outputStride] = result.GetElement(3);
    }

    /// <summary>One row's step for four tokens, reduced to [tokens of block A | tokens of block B] and accumulated.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> QuadStep<TDot>(
        Vector256<float> acc, byte* weights, float* rowScales, int step, sbyte* c0, sbyte* c1, sbyte* c2, sbyte* c3,
        Vector256<byte> mask, Vector256<int> quadZeroPoints, Vector256<float> quadScales)
        where TDot : struct, IStepDot
    {
        Vector256<byte> p = Vector256.Load(weights);
        Vector256<byte> low = p & mask, high = Avx2.ShiftRightLogical(p.AsUInt16(), 4).AsByte() & mask;
        Vector256<int> d0 = TDot.Nibbles(low, high, Vector256.Load(c0), Vector256.Load(c0 + 32));
        Vector256<int> d1 = TDot.Nibbles(low, high, Vector256.Load(c1), Vector256.Load(c1 + 32));
        Vector256<int> d2 = TDot.Nibbles(low, high, Vector256.Load(c2), Vector256.Load(c2 + 32));
        Vector256<int> d3 = TDot.Nibbles(low, high, Vector256.Load(c3), Vector256.Load(c3 + 32));
        Vector256<int> sums = Avx2.HorizontalAdd(Avx2.HorizontalAdd(d0, d1), Avx2.HorizontalAdd(d2, d3)) - quadZeroPoints;
        return Fma.MultiplyAdd(Avx.ConvertToVector256Single(sums), quadScales * TwoBlocks.Load(rowScales, step, 0), acc);
    }

    /// <summary>acc + (nibbles · codes − implied zero point) · (activation lane scales × weight lane scales).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Accumulate<TDot>(
        Vector256<float> acc, Vector256<byte> low, Vector256<byte> high, sbyte* codes, int* laneZeroPointSums, float* laneScales, Vector256<float> weightScales)
        where TDot : struct, IStepDot
    {
        Vector256<int> d = TDot.Nibbles(low, high, Vector256.Load(codes), Vector256.Load(codes + 32)) - Vector256.Load(laneZeroPointSums);
        return Fma.MultiplyAdd(Avx.ConvertToVector256Single(d), Vector256.Load(laneScales) * weightScales, acc);
    }

    /// <summary>
    /// The fp32 scales of rows [row, row + rowCount): where they lie, or (fp16 scales) widened once into
    /// <paramref name="widened"/> (rowCount × blockCount floats) for the whole pass.
    /// </summary>
    private static float* RowScales(in RangeJob job, int row, int rowCount, float* widened)
    {
        int blockCount = job.BlockCount;
        if (!job.HalfScales)
        {
            return (float*)job.Scales + ((long)row * blockCount);
        }

        int count = rowCount * blockCount;
        HalfKernel.ScalesToSingle(new ReadOnlySpan<Half>((Half*)job.Scales + ((long)row * blockCount), count), new Span<float>(widened, count));
        return widened;
    }

    /// <summary>A step's share of the next pass: 128 bytes of its codes (to L1 when near, else L2) and its scales.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchNextPass(byte* codes, byte* scales, bool near)
    {
        if (near)
        {
            Sse.Prefetch0(codes);
            Sse.Prefetch0(codes + 64);
        }
        else
        {
            Sse.Prefetch1(codes);
            Sse.Prefetch1(codes + 64);
        }

        Sse.Prefetch0(scales);
    }

    /// <summary>Whether the next pass goes to L1 (<see cref="NearPrefetchBytes"/>); a step reads 128 activation bytes.</summary>
    private static bool NearPrefetch(int rowBytes, int stepCount) => (stepCount * 128L) + (8L * rowBytes) <= NearPrefetchBytes;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector256<float> sums, float* y, int rowCount)
    {
        if (rowCount == 4)
        {
            sums.GetLower().Store(y);
            return;
        }

        for (int i = 0; i < rowCount; i++)
        {
            y[i] = sums.GetElement(i);
        }
    }

    /// <summary>What <see cref="Range"/> hands its specialised loop.</summary>
    private readonly struct RangeJob
    {
        public required byte* Values { get; init; }

        public required byte* Scales { get; init; }

        /// <summary>fp16 scales: each pass widens its rows' scales once into a stack buffer.</summary>
        public required bool HalfScales { get; init; }

        public required int RowBytes { get; init; }

        public required int BlockCount { get; init; }

        public required int First { get; init; }

        public required int Last { get; init; }

        public required int StepCount { get; init; }

        public required int StepShift { get; init; }

        public required LinearScratch Scratch { get; init; }

        public required int TokenCount { get; init; }

        public int FirstToken { get; init; }

        public required float* Output { get; init; }

        public required int OutputStride { get; init; }
    }

    /// <summary>4-bit steps; returns the four rows' sums in lanes 0..3.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static Vector256<float> Int4<TDot, TLanes>(in RowPointers rows, in QuantizedActivations activations, int stepCount, int stepShift)
        where TDot : struct, IStepDot
        where TLanes : struct, IScaleLanes
        => Int4Steps<TDot, TLanes>(
            rows.W0, rows.W1, rows.W2, rows.W3, rows.S0, rows.S1, rows.S2, rows.S3, activations, stepCount, stepShift, rows.Next, rows.NextScales, rows.ScaleBytesPerStep, NearPrefetch(rows.RowBytes, stepCount));

    /// <summary>4-bit steps of four rows, prefetching the next four; returns the rows' sums in lanes 0..3.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Int4Steps<TDot, TLanes>(
        byte* w0, byte* w1, byte* w2, byte* w3, float* s0, float* s1, float* s2, float* s3, in QuantizedActivations activations,
        int stepCount, int stepShift, byte* next, byte* nextScales, int scaleBytesPerStep, bool near)
        where TDot : struct, IStepDot
        where TLanes : struct, IScaleLanes
    {
        sbyte* codes = activations.Codes;
        float* laneScales = activations.LaneScales;
        int* laneZeroPointSums = activations.LaneZeroPointSums;
        Vector256<float> acc0 = Vector256<float>.Zero, acc1 = Vector256<float>.Zero, acc2 = Vector256<float>.Zero, acc3 = Vector256<float>.Zero;
        Vector256<byte> mask = Vector256.Create((byte)0x0F);
        for (int step = 0; step < stepCount; step++)
        {
            PrefetchNextPass(next + (step * 128), nextScales + (step * scaleBytesPerStep), near);
            Vector256<sbyte> even = Vector256.Load(codes + (step * 64));
            Vector256<sbyte> odd = Vector256.Load(codes + (step * 64) + 32);
            Vector256<int> bias = Vector256.Load(laneZeroPointSums + (step * 8));
            Vector256<float> lanes = Vector256.Load(laneScales + (step * 8));
            int offset = step * 32;
            Vector256<byte> p0 = Vector256.Load(w0 + offset);
            Vector256<byte> p1 = Vector256.Load(w1 + offset);
            Vector256<byte> p2 = Vector256.Load(w2 + offset);
            Vector256<byte> p3 = Vector256.Load(w3 + offset);
            Vector256<int> d0 = TDot.Nibbles(p0 & mask, Avx2.ShiftRightLogical(p0.AsUInt16(), 4).AsByte() & mask, even, odd) - bias;
            Vector256<int> d1 = TDot.Nibbles(p1 & mask, Avx2.ShiftRightLogical(p1.AsUInt16(), 4).AsByte() & mask, even, odd) - bias;
            Vector256<int> d2 = TDot.Nibbles(p2 & mask, Avx2.ShiftRightLogical(p2.AsUInt16(), 4).AsByte() & mask, even, odd) - bias;
            Vector256<int> d3 = TDot.Nibbles(p3 & mask, Avx2.ShiftRightLogical(p3.AsUInt16(), 4).AsByte() & mask, even, odd) - bias;
            acc0 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(d0), lanes * TLanes.Load(s0, step, stepShift), acc0);
            acc1 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(d1), lanes * TLanes.Load(s1, step, stepShift), acc1);
            acc2 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(d2), lanes * TLanes.Load(s2, step, stepShift), acc2);
            acc3 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(d3), lanes * TLanes.Load(s3, step, stepShift), acc3);
        }

        return HorizontalSums(acc0, acc1, acc2, acc3);
    }

    /// <summary>8-bit steps; returns the four rows' sums in lanes 0..3.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static Vector256<float> Int8<TDot, TLanes>(in RowPointers rows, in QuantizedActivations activations, int stepCount, int stepShift)
        where TDot : struct, IStepDot
        where TLanes : struct, IScaleLanes
        => Int8Steps<TDot, TLanes>(
            rows.W0, rows.W1, rows.W2, rows.W3, rows.S0, rows.S1, rows.S2, rows.S3, activations, stepCount, stepShift, rows.Next, rows.NextScales, rows.ScaleBytesPerStep, NearPrefetch(rows.RowBytes, stepCount));

    /// <summary>8-bit steps of four rows, prefetching the next four; returns the rows' sums in lanes 0..3.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Int8Steps<TDot, TLanes>(
        byte* w0, byte* w1, byte* w2, byte* w3, float* s0, float* s1, float* s2, float* s3, in QuantizedActivations activations,
        int stepCount, int stepShift, byte* next, byte* nextScales, int scaleBytesPerStep, bool near)
        where TDot : struct, IStepDot
        where TLanes : struct, IScaleLanes
    {
        sbyte* codes = activations.Codes;
        float* laneScales = activations.LaneScales;
        Vector256<float> acc0 = Vector256<float>.Zero, acc1 = Vector256<float>.Zero, acc2 = Vector256<float>.Zero, acc3 = Vector256<float>.Zero;
        Vector256<byte> centre = Vector256.Create((byte)0x80);
        for (int step = 0; step < stepCount; step++)
        {
            PrefetchNextPass(next + (step * 128), nextScales + (step * scaleBytesPerStep), near);
            Vector256<sbyte> a = Vector256.Load(codes + (step * 32));
            Vector256<float> lanes = Vector256.Load(laneScales + (step * 8));
            int offset = step * 32;
            Vector256<int> d0 = TDot.Centred((Vector256.Load(w0 + offset) ^ centre).AsSByte(), a);
            Vector256<int> d1 = TDot.Centred((Vector256.Load(w1 + offset) ^ centre).AsSByte(), a);
            Vector256<int> d2 = TDot.Centred((Vector256.Load(w2 + offset) ^ centre).AsSByte(), a);
            Vector256<int> d3 = TDot.Centred((Vector256.Load(w3 + offset) ^ centre).AsSByte(), a);
            acc0 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(d0), lanes * TLanes.Load(s0, step, stepShift), acc0);
            acc1 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(d1), lanes * TLanes.Load(s1, step, stepShift), acc1);
            acc2 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(d2), lanes * TLanes.Load(s2, step, stepShift), acc2);
            acc3 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(d3), lanes * TLanes.Load(s3, step, stepShift), acc3);
        }

        return HorizontalSums(acc0, acc1, acc2, acc3);
    }

    /// <summary>Lane i (0..3) = the sum of the eight lanes of acc i.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> HorizontalSums(Vector256<float> acc0, Vector256<float> acc1, Vector256<float> acc2, Vector256<float> acc3)
    {
        Vector256<float> h01 = Avx.HorizontalAdd(acc0, acc1); // a01 a23 b01 b23 | a45 a67 b45 b67
        Vector256<float> h23 = Avx.HorizontalAdd(acc2, acc3);
        Vector256<float> h = Avx.HorizontalAdd(h01, h23);      // a0-3 b0-3 c0-3 d0-3 | a4-7 b4-7 c4-7 d4-7
        return (h.GetLower() + h.GetUpper()).ToVector256Unsafe();
    }

    /// <summary>Blocks from <paramref name="firstBlock"/> on (scalar), minus the stored zero points' extra term before it.</summary>
    private static float Tail(in WeightMatrix weight, int row, float* scales, in QuantizedActivations activations, int firstBlock, int impliedZeroPoint)
    {
        float sum = firstBlock < weight.BlockCount ? QuantizedRowsScalar.Row(weight, row, scales, activations, firstBlock) : 0f;
        if (weight.ZeroPoints == 0)
        {
            return sum;
        }

        float correction = 0;
        int blockEnd = Math.Min(firstBlock, weight.BlockCount);
        for (int block = 0; block < blockEnd; block++)
        {
            correction += scales[block] * (weight.ZeroPoint(row, block) - impliedZeroPoint) * activations.BlockScaledSums[block];
        }

        return sum - correction;
    }

    /// <summary>The four rows' weight bytes and fp32 scales (missing rows repeat the last).</summary>
    private readonly struct RowPointers
    {
        public RowPointers(in WeightMatrix weight, int firstRow, int rowCount, float** rowScales)
        {
            int rowBytes = weight.RowBytes;
            byte* values = (byte*)weight.Values + ((long)firstRow * rowBytes);
            W0 = values;
            W1 = values + ((long)Math.Min(1, rowCount - 1) * rowBytes);
            W2 = values + ((long)Math.Min(2, rowCount - 1) * rowBytes);
            W3 = values + ((long)Math.Min(3, rowCount - 1) * rowBytes);
            S0 = rowScales[0];
            S1 = rowScales[Math.Min(1, rowCount - 1)];
            S2 = rowScales[Math.Min(2, rowCount - 1)];
            S3 = rowScales[Math.Min(3, rowCount - 1)];

            // The next four rows (the next pass of this thread's contiguous range) lie right after these, codes and
            // scales alike: each step prefetches its share of them, so DRAM streams while these rows are multiplied.
            // Past the matrix's end this points into whatever follows; a prefetch never faults.
            Next = values + (4L * rowBytes);
            RowBytes = rowBytes;
            int scaleBytes = weight.ScalesAreHalf ? sizeof(ushort) : sizeof(float);
            NextScales = (byte*)weight.Scales + ((long)(firstRow + 4) * weight.BlockCount * scaleBytes);
            int stepCount = Math.Max(1, weight.PaddedInputCount / (weight.Layout == WeightLayout.Int4Blocks ? 64 : 32));
            ScaleBytesPerStep = 4 * weight.BlockCount * scaleBytes / stepCount;
        }

        public byte* Next { get; }

        public int RowBytes { get; }

        public byte* NextScales { get; }

        public int ScaleBytesPerStep { get; }

        public byte* W0 { get; }

        public byte* W1 { get; }

        public byte* W2 { get; }

        public byte* W3 { get; }

        public float* S0 { get; }

        public float* S1 { get; }

        public float* S2 { get; }

        public float* S3 { get; }
    }

    /// <summary>Whether a row-pair pass covers one or two groups of four tokens; a constant per instantiation.</summary>
    private interface IQuadCount
    {
        static abstract bool Two { get; }
    }

    private readonly struct OneQuad : IQuadCount
    {
        public static bool Two => false;
    }

    private readonly struct TwoQuads : IQuadCount
    {
        public static bool Two => true;
    }

    /// <summary>Whether a kernel reads 4-bit (nibble) or 8-bit codes; a constant per instantiation.</summary>
    private interface ICodeWidth
    {
        static abstract bool Nibbles { get; }
    }

    private readonly struct FourBit : ICodeWidth
    {
        public static bool Nibbles => true;
    }

    private readonly struct EightBit : ICodeWidth
    {
        public static bool Nibbles => false;
    }

    /// <summary>An int8 multiply-add of one step into 8 int32 lanes.</summary>
    private interface IStepDot
    {
        /// <summary>low × even + high × odd (unsigned nibbles × signed codes).</summary>
        static abstract Vector256<int> Nibbles(Vector256<byte> low, Vector256<byte> high, Vector256<sbyte> even, Vector256<sbyte> odd);

        /// <summary>w × a for signed (re-centred) weights.</summary>
        static abstract Vector256<int> Centred(Vector256<sbyte> weights, Vector256<sbyte> activations);
    }

    private readonly struct MultiplyAdd : IStepDot
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Nibbles(Vector256<byte> low, Vector256<byte> high, Vector256<sbyte> even, Vector256<sbyte> odd)
            => Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(low, even) + Avx2.MultiplyAddAdjacent(high, odd), Vector256.Create((short)1));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Centred(Vector256<sbyte> weights, Vector256<sbyte> activations)
            => Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(Avx2.Abs(weights), Avx2.Sign(activations, weights)), Vector256.Create((short)1));
    }

    private readonly struct Vnni : IStepDot
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Nibbles(Vector256<byte> low, Vector256<byte> high, Vector256<sbyte> even, Vector256<sbyte> odd)
            => AvxVnni.MultiplyWideningAndAdd(AvxVnni.MultiplyWideningAndAdd(Vector256<int>.Zero, low, even), high, odd);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Centred(Vector256<sbyte> weights, Vector256<sbyte> activations)
            => AvxVnni.MultiplyWideningAndAdd(Vector256<int>.Zero, Avx2.Abs(weights), Avx2.Sign(activations, weights));
    }

    /// <summary>The weight scale of each of a step's 8 lanes.</summary>
    private interface IScaleLanes
    {
        static abstract Vector256<float> Load(float* scales, int step, int stepShift);
    }

    /// <summary>Four blocks per step, two lanes each.</summary>
    private readonly struct FourBlocks : IScaleLanes
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Load(float* scales, int step, int stepShift)
            => Avx2.PermuteVar8x32(Vector128.Load(scales + (step * 4)).ToVector256Unsafe(), Vector256.Create(0, 0, 1, 1, 2, 2, 3, 3));
    }

    /// <summary>Two blocks per step, four lanes each.</summary>
    private readonly struct TwoBlocks : IScaleLanes
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Load(float* scales, int step, int stepShift)
            => Avx2.PermuteVar8x32(Vector128.CreateScalar(*(double*)(scales + (step * 2))).AsSingle().ToVector256Unsafe(), Vector256.Create(0, 0, 0, 0, 1, 1, 1, 1));
    }

    /// <summary>One block per 2^stepShift steps.</summary>
    private readonly struct OneBlock : IScaleLanes
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Load(float* scales, int step, int stepShift) => Vector256.Create(scales[step >> stepShift]);
    }
}
