using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using EdgeLLM.Quantize.Quantizers;
using EdgeLLM.Runtime.Engines.Cpu.Kernels;

namespace EdgeLLM.Runtime.Tests.Engines.Cpu.Kernels;

/// <summary>
/// A random weight matrix packed by the converter's own <see cref="BlockQuantizer"/> (MatMulNBits layout), held in
/// pinned arrays, with its dequantized values and test-side references.
/// </summary>
internal sealed unsafe class QuantizedWeights
{
    private readonly byte[] packed;
    private readonly float[] scales;
    private readonly Half[] halfScales;
    private readonly byte[]? zeroPoints;

    public QuantizedWeights(int outputCount, int inputCount, int bits, int blockSize, bool asymmetric, bool halfScalesWanted, int seed)
    {
        OutputCount = outputCount;
        InputCount = inputCount;
        Bits = bits;
        BlockSize = blockSize;
        var random = new Random(seed);
        var weights = new float[outputCount * inputCount];
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = (float)((random.NextDouble() * 2) - 1) * (asymmetric ? 0.7f : 1f) + (asymmetric ? 0.2f : 0f);
        }

        var options = new BlockQuantizationOptions(bits, blockSize, asymmetric, ScaleChoice.RoundToNearest);
        var quantizer = BlockQuantizer.Create(options, inputCount);
        var layout = quantizer.Layout;
        packed = GC.AllocateArray<byte>(outputCount * layout.PackedRowBytes, pinned: true);
        scales = GC.AllocateArray<float>(outputCount * layout.BlockCount, pinned: true);
        halfScales = GC.AllocateArray<Half>(scales.Length, pinned: true);
        zeroPoints = asymmetric ? GC.AllocateArray<byte>(outputCount * layout.ZeroPointRowBytes, pinned: true) : null;
        quantizer.QuantizeRows(weights, packed, scales, zeroPoints ?? [], new QuantizationError());
        for (int i = 0; i < scales.Length; i++)
        {
            halfScales[i] = (Half)scales[i];
            if (halfScalesWanted)
            {
                scales[i] = (float)halfScales[i]; // the reference uses what the kernel reads
            }
        }

        Matrix = new WeightMatrix
        {
            Layout = bits == 4 ? WeightLayout.Int4Blocks : WeightLayout.Int8Blocks,
            OutputCount = outputCount,
            InputCount = inputCount,
            BlockSize = blockSize,
            Values = Address(packed),
            Scales = halfScalesWanted ? Address(halfScales) : Address(scales),
            ScalesAreHalf = halfScalesWanted,
            ZeroPoints = zeroPoints is null ? 0 : Address(zeroPoints),
        };
    }

    public int OutputCount { get; }

    public int InputCount { get; }

    public int Bits { get; }

    public int BlockSize { get; }

    public int BlockCount => (InputCount + BlockSize - 1) / BlockSize;

    public WeightMatrix Matrix { get; }

    public int Code(int row, int k)
    {
        int rowBytes = BlockCount * BlockSize * Bits / 8;
        return Bits == 8 ? packed[(row * rowBytes) + k] : (packed[(row * rowBytes) + (k >> 1)] >> ((k & 1) * 4)) & 0xF;
    }

    public int ZeroPoint(int row, int block)
    {
        if (zeroPoints is null)
        {
            return Bits == 4 ? 8 : 128;
        }

        int rowBytes = ((BlockCount * Bits) + 7) / 8;
        return Bits == 8 ? zeroPoints[(row * rowBytes) + block] : (zeroPoints[(row * rowBytes) + (block >> 1)] >> ((block & 1) * 4)) & 0xF;
    }

    public float Scale(int row, int block) => scales[(row * BlockCount) + block];

    public double Dequantized(int row, int k) => (Code(row, k) - ZeroPoint(row, k / BlockSize)) * (double)Scale(row, k / BlockSize);

    /// <summary>
    /// The kernels' contract computed independently in double: activations quantized per block (scale max|x|/127,
    /// round half to even), exact integer block sums, one product per block. Also the magnitude Σ|terms| that bounds
    /// the fp32 accumulation error, and the bound on |result − exact fp32 product| the int8 activations allow.
    /// </summary>
    public (double Value, double Magnitude, double DequantizedValue, double QuantizationBound) Reference(ReadOnlySpan<float> x, int row)
    {
        double value = 0, magnitude = 0, dequantized = 0, bound = 0;
        for (int block = 0; block < BlockCount; block++)
        {
            int start = block * BlockSize;
            int end = Math.Min(start + BlockSize, InputCount);
            float max = 0;
            for (int k = start; k < end; k++)
            {
                max = MathF.Max(max, MathF.Abs(x[k]));
            }

            float activationScale = max / 127f;
            float inverse = max > 0 ? 127f / max : 0f;
            long dot = 0, codeSum = 0;
            double absoluteWeights = 0;
            for (int k = start; k < end; k++)
            {
                int code = (int)MathF.Round(x[k] * inverse, MidpointRounding.ToEven);
                dot += (long)Code(row, k) * code;
                codeSum += code;
                double w = Dequantized(row, k);
                dequantized += w * x[k];
                absoluteWeights += Math.Abs(w);
            }

            double blockScale = (double)Scale(row, block) * activationScale;
            long centred = dot - (ZeroPoint(row, block) * codeSum);
            value += blockScale * centred;
            magnitude += Math.Abs(blockScale) * (Math.Abs(dot) + Math.Abs(ZeroPoint(row, block) * codeSum) + 1);
            bound += 0.5 * activationScale * absoluteWeights;
        }

        return (value, magnitude, dequantized, bound);
    }

    private static nint Address<T>(T[] array)
        where T : unmanaged
        => (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
}
