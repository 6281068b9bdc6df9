using EdgeLLM.Runtime.Engines.Cpu.Threading;

namespace EdgeLLM.Runtime.Tests.Engines.Cpu.Threading;

public sealed unsafe class WorkerPoolTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void RunsEveryIndexExactlyOnceInGrainAlignedRanges(int threadCount)
    {
        using var pool = new WorkerPool(threadCount);
        Assert.Equal(threadCount, pool.ThreadCount);
        var hits = new int[80];
        fixed (int* h = hits)
        {
            for (int grain = 1; grain <= 6; grain++)
            {
                for (int count = 0; count <= 70; count++)
                {
                    Array.Clear(hits);
                    var work = new CountingWork { Hits = h, Grain = grain };
                    pool.Run(count, grain, ref work);
                    for (int i = 0; i < hits.Length; i++)
                    {
                        Assert.True(hits[i] == (i < count ? 1 : 0), $"threads {threadCount}, grain {grain}, count {count}: index {i} ran {hits[i]} times");
                    }

                    Assert.Equal(0, Volatile.Read(ref *(h + 79)));
                    Assert.Equal(0, work.Misaligned);
                }
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void RunAllocatesNothing(int threadCount)
    {
        using var pool = new WorkerPool(threadCount);
        var hits = new int[64];
        fixed (int* h = hits)
        {
            var work = new CountingWork { Hits = h, Grain = 1 };
            pool.Run(64, 1, ref work); // first call per work type caches its box
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 2000; i++)
            {
                pool.Run(64, 1 + (i % 4), ref work);
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(0, allocated);
            Assert.All(hits, count => Assert.Equal(2001, count));
        }
    }

    [Fact]
    public void WorkerExceptionReachesTheCaller()
    {
        using var pool = new WorkerPool(2);
        var work = new ThrowingWork();
        var exception = Assert.Throws<InvalidOperationException>(() => pool.Run(10, 1, ref work));
        Assert.Contains("index", exception.Message);

        // The pool still works afterwards.
        var hits = new int[10];
        fixed (int* h = hits)
        {
            var counting = new CountingWork { Hits = h, Grain = 1 };
            pool.Run(10, 1, ref counting);
        }

        Assert.All(hits, count => Assert.Equal(1, count));
    }

    [Fact]
    public void SleepingWorkersWakeForLaterJobs()
    {
        using var pool = new WorkerPool(3);
        var hits = new int[30];
        fixed (int* h = hits)
        {
            for (int round = 0; round < 3; round++)
            {
                Thread.Sleep(20); // past the spin window: workers block on their events
                var work = new CountingWork { Hits = h, Grain = 1 };
                pool.Run(30, 1, ref work);
            }
        }

        Assert.All(hits, count => Assert.Equal(3, count));
    }

    private struct CountingWork : IRangeWork
    {
        public int* Hits;
        public int Grain;
        public int Misaligned;

        public void Execute(int start, int end)
        {
            if (start % Grain != 0)
            {
                Interlocked.Increment(ref Misaligned);
            }

            for (int i = start; i < end; i++)
            {
                Interlocked.Increment(ref Hits[i]);
            }
        }
    }

    private struct ThrowingWork : IRangeWork
    {
        public readonly void Execute(int start, int end)
        {
            if (end == 10)
            {
                throw new InvalidOperationException($"index {start}");
            }
        }
    }
}
