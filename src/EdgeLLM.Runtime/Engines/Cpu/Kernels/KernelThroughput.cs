using System.Diagnostics;
using System.Runtime.InteropServices;
using EdgeLLM.Runtime.Engines.Cpu.Threading;

namespace EdgeLLM.Runtime.Engines.Cpu.Kernels;

/// <summary>
/// Micro-benchmark of the block-quantized matrix–vector kernels (decode, one token): GB/s of weight bytes (codes and
/// fp32 scales) streamed. Each shape cycles through enough copies of its matrix to exceed the caches, so the figure is
/// what a decode step sees. Random codes and scales: the kernels' speed does not depend on the values.
/// </summary>
public static unsafe class KernelThroughput
{
    /// <summary>Measures every shape × layout × thread count; each figure runs for at least <paramref name="minimumTime"/>.</summary>
    public static IReadOnlyList<KernelThroughputFigure> Measure(
        KernelSet kernels,
        IReadOnlyList<KernelThroughputShape> shapes,
        IReadOnlyList<WeightLayout> layouts,
        IReadOnlyList<int> threadCounts,
        int blockSize,
        TimeSpan minimumTime,
        long workingSetBytes = 256L << 20)
    {
        ArgumentNullException.ThrowIfNull(kernels);
        var figures = new List<KernelThroughputFigure>();
        foreach (int threadCount in threadCounts)
        {
            using var pool = new WorkerPool(threadCount);
            foreach (var layout in layouts)
            {
                foreach (var shape in shapes)
                {
                    figures.Add(MeasureOne(kernels, pool, shape, layout, blockSize, minimumTime, workingSetBytes));
                }
            }
        }

        return figures;
    }

    /// <summary>The default run: the 1.5B shapes, int4 and int8, block 32, 1 and 2 threads.</summary>
    public static IReadOnlyList<KernelThroughputFigure> MeasureDefault(KernelSet kernels)
        => Measure(kernels, KernelThroughputShape.Qwen15B, [WeightLayout.Int4Blocks, WeightLayout.Int8Blocks], [1, 2], 32, TimeSpan.FromSeconds(0.5));

    private static KernelThroughputFigure MeasureOne(
        KernelSet kernels, WorkerPool pool, KernelThroughputShape shape, WeightLayout layout, int blockSize, TimeSpan minimumTime, long workingSetBytes)
    {
        if (layout is not (WeightLayout.Int4Blocks or WeightLayout.Int8Blocks))
        {
            throw new ArgumentException($"throughput is measured for block-quantized layouts, not {layout}", nameof(layout));
        }

        int blockCount = (shape.InputCount + blockSize - 1) / blockSize;
        long rowBytes = (long)blockCount * blockSize * (layout == WeightLayout.Int4Blocks ? 4 : 8) / 8;
        long valueBytes = rowBytes * shape.OutputCount;
        long scaleBytes = (long)blockCount * shape.OutputCount * sizeof(float);
        long matrixBytes = valueBytes + scaleBytes;
        int copies = (int)Math.Clamp(workingSetBytes / matrixBytes, 1, 4096);
        nuint allocation = (nuint)(matrixBytes * copies);
        byte* memory = (byte*)NativeMemory.AlignedAlloc(allocation, 64);
        try
        {
            var random = new Random(shape.OutputCount ^ shape.InputCount);
            random.NextBytes(new Span<byte>(memory, (int)valueBytes));
            float* scales = (float*)(memory + valueBytes);
            for (long i = 0; i < scaleBytes / sizeof(float); i++)
            {
                scales[i] = (float)(random.NextDouble() * 0.01);
            }

            for (int copy = 1; copy < copies; copy++)
            {
                Buffer.MemoryCopy(memory, memory + (copy * matrixBytes), matrixBytes, matrixBytes);
            }

            var input = new float[shape.InputCount];
            for (int i = 0; i < input.Length; i++)
            {
                input[i] = (float)((random.NextDouble() * 2) - 1);
            }

            var output = new float[shape.OutputCount];
            var scratch = new LinearScratch(1, shape.InputCount, pool.ThreadCount);
            var matrices = new WeightMatrix[copies];
            for (int copy = 0; copy < copies; copy++)
            {
                byte* start = memory + (copy * matrixBytes);
                matrices[copy] = new WeightMatrix
                {
                    Layout = layout,
                    OutputCount = shape.OutputCount,
                    InputCount = shape.InputCount,
                    BlockSize = blockSize,
                    Values = (nint)start,
                    Scales = (nint)(start + valueBytes),
                };
            }

            // Warm up (JIT tiers, page faults), then time rounds over every copy; keep the median round.
            for (int copy = 0; copy < copies; copy++)
            {
                kernels.Linear.Multiply(matrices[copy], input, 1, output, scratch, pool);
            }

            var rounds = new List<double>();
            var total = Stopwatch.StartNew();
            TimeSpan cpuStart = Environment.CpuUsage.TotalTime;
            long calls = 0;
            while (total.Elapsed < minimumTime || rounds.Count < 3)
            {
                long begin = Stopwatch.GetTimestamp();
                for (int copy = 0; copy < copies; copy++)
                {
                    kernels.Linear.Multiply(matrices[copy], input, 1, output, scratch, pool);
                }

                rounds.Add(Stopwatch.GetElapsedTime(begin).TotalSeconds / copies);
                calls += copies;
            }

            double cpuSeconds = (Environment.CpuUsage.TotalTime - cpuStart).TotalSeconds / calls;

            rounds.Sort();
            return new KernelThroughputFigure(shape, layout, blockSize, pool.ThreadCount, kernels.Description, matrixBytes, rounds[rounds.Count / 2], cpuSeconds);
        }
        finally
        {
            NativeMemory.AlignedFree(memory);
        }
    }
}
