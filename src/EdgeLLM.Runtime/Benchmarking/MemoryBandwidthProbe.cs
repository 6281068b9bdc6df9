using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeLLM.Runtime.Benchmarking;

/// <summary>
/// Measures memory read bandwidth the way a decode step reads weights: one buffer much larger than
/// the caches (1 GiB by default), split across threads that each stream their slice with vector
/// loads; the best of several passes, in GB/s (10^9 bytes per second).
/// </summary>
public static class MemoryBandwidthProbe
{
    public const long DefaultBytes = 1L << 30;

    public static unsafe double MeasureGBps(int threads, long bytes = DefaultBytes, int passes = 5)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(passes, 1);
        long sliceBytes = bytes / threads / 256 * 256;
        ArgumentOutOfRangeException.ThrowIfLessThan(sliceBytes, 256L, nameof(bytes));
        byte* buffer = (byte*)NativeMemory.AlignedAlloc((nuint)(sliceBytes * threads), 64);
        try
        {
            for (long offset = 0; offset < sliceBytes * threads; offset += int.MaxValue / 2)
            {
                int length = (int)Math.Min(int.MaxValue / 2, (sliceBytes * threads) - offset);
                new Span<byte>(buffer + offset, length).Fill(1);
            }

            double best = 0;
            using var start = new Barrier(threads + 1);
            using var finish = new Barrier(threads + 1);
            ulong sink = 0;
            var workers = new Thread[threads];
            for (int index = 0; index < threads; index++)
            {
                byte* slice = buffer + (index * sliceBytes);
                workers[index] = new Thread(() =>
                {
                    for (int pass = 0; pass < passes; pass++)
                    {
                        start.SignalAndWait();
                        Interlocked.Add(ref sink, ReadSlice(slice, sliceBytes));
                        finish.SignalAndWait();
                    }
                })
                { IsBackground = true };
                workers[index].Start();
            }

            for (int pass = 0; pass < passes; pass++)
            {
                start.SignalAndWait();
                long began = Stopwatch.GetTimestamp();
                finish.SignalAndWait();
                double seconds = Stopwatch.GetElapsedTime(began).TotalSeconds;
                best = Math.Max(best, sliceBytes * threads / seconds / 1e9);
            }

            foreach (Thread worker in workers)
            {
                worker.Join();
            }

            GC.KeepAlive(sink);
            return best;
        }
        finally
        {
            NativeMemory.AlignedFree(buffer);
        }
    }

    /// <summary>XORs the slice 256 bytes at a time into four accumulators (a load-bound loop); returns a value so it is not optimised away.</summary>
    private static unsafe ulong ReadSlice(byte* slice, long byteCount)
    {
        Vector256<ulong> a = Vector256<ulong>.Zero, b = a, c = a, d = a, e = a, f = a, g = a, h = a;
        for (long offset = 0; offset < byteCount; offset += 256)
        {
            ulong* block = (ulong*)(slice + offset);
            a ^= Vector256.Load(block);
            b ^= Vector256.Load(block + 4);
            c ^= Vector256.Load(block + 8);
            d ^= Vector256.Load(block + 12);
            e ^= Vector256.Load(block + 16);
            f ^= Vector256.Load(block + 20);
            g ^= Vector256.Load(block + 24);
            h ^= Vector256.Load(block + 28);
        }

        return Vector256.Sum(a ^ b ^ c ^ d ^ e ^ f ^ g ^ h);
    }
}
