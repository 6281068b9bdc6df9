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

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void BackToBackJobsOfGrowingSizeRunEveryIndexOnce(int threadCount)
    {
        // A worker leaving a short job can read its exhausted claim counter and then the next, larger job's size: the
        // claim must fail rather than run grains that the next job then hands out again (which left `pending` below zero
        // and the caller waiting forever). Short and long jobs alternate, so a worker is often leaving as the next begins;
        // every index of every job must run exactly once, and every call must return.
        using var pool = new WorkerPool(threadCount);
        var hits = new int[48];
        string? failure = null;
        int jobsDone = 0;
        var caller = new Thread(() =>
        {
            fixed (int* h = hits)
            {
                for (int job = 0; job < 40_000 && failure is null; job++)
                {
                    int count = job % 2 == 0 ? 2 : 48;
                    var work = new CountingWork { Hits = h, Grain = 1 };
                    pool.Run(count, 1, ref work);
                    for (int i = 0; i < count; i++)
                    {
                        if (hits[i] != 1)
                        {
                            failure = $"job {job} ({count} indices): index {i} ran {hits[i]} times";
                        }

                        hits[i] = 0;
                    }

                    Volatile.Write(ref jobsDone, job + 1);
                }
            }
        })
        {
            IsBackground = true,
        };
        caller.Start();

        // The jobs take a fraction of a second; a caller still waiting after a minute is the hang this test is about.
        Assert.True(caller.Join(TimeSpan.FromMinutes(1)), $"Run never returned after job {Volatile.Read(ref jobsDone)}: a claim was lost");
        Assert.Null(failure);
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
