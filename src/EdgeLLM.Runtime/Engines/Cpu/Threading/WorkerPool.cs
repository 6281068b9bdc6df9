using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace EdgeLLM.Runtime.Engines.Cpu.Threading;

/// <summary>
/// A fixed set of persistent threads (the caller's thread is thread 0) that run one <see cref="IRangeWork"/> at a time.
/// Workers spin for <see cref="SpinMicroseconds"/> after each job, then block on their own event; a job is published by
/// bumping a generation counter. Threads claim whole grains from a shared counter, the caller included, in guided
/// parts: each claim takes 1/(2 × ThreadCount) of what is left (at least <see cref="MinimumPartGrains"/> grains), so
/// the first parts are long and the last ones short. A worker the OS has not scheduled yet delays nothing, and a
/// thread slowed by another process, an interrupt or a cold cache line takes fewer parts instead of keeping the others
/// waiting at the end of every call. The
/// work struct is copied into a box cached per calling thread and work type, so a call allocates nothing once that
/// type has been seen.
/// </summary>
public sealed unsafe class WorkerPool : IDisposable
{
    /// <summary>
    /// The shortest claim in grains (fewer when a job has fewer than 4 per thread). One equal part per thread left the
    /// faster thread spinning at the end of every call (1.5B decode, 2 threads: 8 % of the samples in the spin-wait);
    /// guided parts end the call within one short part while each part is still long enough for the kernels'
    /// next-rows prefetch to stream.
    /// </summary>
    public const int MinimumPartGrains = 4;

    /// <summary>How long an idle worker (or the waiting caller) spins before it blocks.</summary>
    private const long SpinMicroseconds = 200;

    /// <summary>The longest a sleeping caller waits before it looks at the pending count again.</summary>
    private const int SleepLimitMilliseconds = 2;

    private static readonly long SpinTicks = Math.Max(1, Stopwatch.Frequency * SpinMicroseconds / 1_000_000);

    private readonly Thread[] threads;
    private readonly ManualResetEventSlim[] wakeEvents;
    private readonly int[] sleeping;
    private readonly ManualResetEventSlim doneEvent = NewEvent();
    private readonly Lock runLock = new();
    private int callerSleeping;
    private int generation;
    private int pending;
    private int nextGrain;
    private volatile bool disposed;

    // The current job (written before the generation bump, read by workers after they see it).
    private object? jobBox;
    private delegate*<object, int, int, void> jobInvoke;
    private int jobCount;
    private int jobGrain;
    private int jobGrains;
    private ExceptionDispatchInfo? jobFailure;

    public WorkerPool(int threadCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threadCount);
        ThreadCount = threadCount;
        threads = new Thread[threadCount - 1];
        wakeEvents = new ManualResetEventSlim[threadCount - 1];
        sleeping = new int[threadCount - 1];
        for (int i = 0; i < threads.Length; i++)
        {
            wakeEvents[i] = NewEvent();
            int worker = i;
            threads[i] = new Thread(() => WorkerLoop(worker), maxStackSize: 4 << 20)
            {
                IsBackground = true,
                Name = $"EdgeLLM CPU worker {i + 1}",
            };
            threads[i].Start();
        }
    }

    public int ThreadCount { get; }

    /// <summary>
    /// An event that has blocked once: a ManualResetEventSlim allocates its lock object on its first blocking wait,
    /// and that must not happen inside <see cref="Run{TWork}"/>. (The pool does its own spinning: spin count 1.)
    /// </summary>
    private static ManualResetEventSlim NewEvent()
    {
        var result = new ManualResetEventSlim(false, spinCount: 1);
        result.Wait(1);
        return result;
    }

    /// <summary>
    /// Splits [0, <paramref name="count"/>) into contiguous ranges of whole grains, claimed by the threads as they come (guided sizes), whose sizes are multiples
    /// of <paramref name="grain"/> (the last one may be shorter), runs them and returns when all are done.
    /// </summary>
    public void Run<TWork>(int count, int grain, ref TWork work)
        where TWork : struct, IRangeWork
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(grain);
        if (count == 0)
        {
            return;
        }

        if (threads.Length == 0 || count <= grain)
        {
            work.Execute(0, count);
            return;
        }

        lock (runLock)
        {
            // Close the claim counter before any field of the new job is written. A worker still leaving the previous
            // job may have read that job's exhausted counter and then this job's larger size; while the counter stays at
            // the old value its claim would succeed, run grains of this job, and then be wiped out when the counter is
            // reset below: those grains would run twice and `pending` go below zero, which the caller waits on forever
            // (seen once in CI: a decode step's caller waiting with both workers asleep). Closed, the stale claim fails.
            Interlocked.Exchange(ref nextGrain, int.MaxValue);
            var box = WorkBox<TWork>.ForCurrentThread();
            box.Value = work;
            jobBox = box;
            jobInvoke = &WorkBox<TWork>.Invoke;
            jobCount = count;
            jobGrain = grain;
            jobGrains = (int)(((long)count + grain - 1) / grain);
            jobFailure = null;
            Volatile.Write(ref pending, jobGrains);
            Interlocked.Exchange(ref nextGrain, 0);
            Interlocked.Increment(ref generation);
            for (int i = 0; i < threads.Length; i++)
            {
                if (Interlocked.Exchange(ref sleeping[i], 0) == 1)
                {
                    wakeEvents[i].Set();
                }
            }

            try
            {
                RunClaimedParts();
            }
            finally
            {
                WaitForWorkers();
                work = box.Value;
                box.Value = default;
                jobBox = null;
            }

            jobFailure?.Throw();
        }
    }

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        Interlocked.Increment(ref generation);
        for (int i = 0; i < threads.Length; i++)
        {
            if (Interlocked.Exchange(ref sleeping[i], 0) == 1)
            {
                wakeEvents[i].Set();
            }
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        foreach (var wake in wakeEvents)
        {
            wake.Dispose();
        }

        doneEvent.Dispose();
    }

    /// <summary>Claims and runs parts until none is left; returns whether this thread finished the last one.</summary>
    private bool RunClaimedParts()
    {
        bool finishedLast = false;
        while (true)
        {
            // The counter is read before the job's size: a worker still leaving the previous job may pair an old count
            // with the new size. Run closes the counter (int.MaxValue) before it writes a new job, so such a claim can
            // only succeed once the new job's own claims have brought the counter to that same value, which makes it a
            // claim of the new job; it is clamped to the size read after the claim (the fence of a successful exchange
            // on this job's counter makes every field of this job visible). A closed counter leaves nothing to claim.
            int start = Volatile.Read(ref nextGrain);
            int grains = Volatile.Read(ref jobGrains);
            int remaining = grains - start;
            if (remaining <= 0)
            {
                return finishedLast;
            }

            int minimum = Math.Max(1, Math.Min(MinimumPartGrains, grains / (ThreadCount * 4)));
            int take = Math.Min(remaining, Math.Max(minimum, remaining / (2 * ThreadCount)));
            if (Interlocked.CompareExchange(ref nextGrain, start + take, start) != start)
            {
                continue;
            }

            int end = Math.Min(start + take, jobGrains);
            if (end <= start)
            {
                continue;
            }

            try
            {
                RunGrains(start, end);
            }
            catch (Exception exception)
            {
                Interlocked.CompareExchange(ref jobFailure, ExceptionDispatchInfo.Capture(exception), null);
            }

            finishedLast |= Interlocked.Add(ref pending, start - end) == 0;
        }
    }

    /// <summary>Runs grains [<paramref name="firstGrain"/>, <paramref name="endGrain"/>) of the job.</summary>
    private void RunGrains(int firstGrain, int endGrain)
    {
        int start = (int)Math.Min((long)firstGrain * jobGrain, jobCount);
        int end = (int)Math.Min((long)endGrain * jobGrain, jobCount);
        if (start < end)
        {
            jobInvoke(jobBox!, start, end);
        }
    }

    private void WaitForWorkers()
    {
        long spinEnd = Stopwatch.GetTimestamp() + SpinTicks;
        int spins = 0;
        while (Volatile.Read(ref pending) != 0)
        {
            if ((++spins & 63) == 0 && Stopwatch.GetTimestamp() > spinEnd)
            {
                // Sleep until the worker that finishes the last part sets the event. The event only wakes the caller:
                // `pending` decides. A set left over from an earlier job (its last worker was descheduled between its
                // decrement and the set) or a set that comes late costs one more look, never an early return, and the
                // timeout bounds any lost wake-up.
                Interlocked.Exchange(ref callerSleeping, 1);
                if (Volatile.Read(ref pending) != 0)
                {
                    doneEvent.Wait(SleepLimitMilliseconds);
                }

                Interlocked.Exchange(ref callerSleeping, 0);
                doneEvent.Reset();
                continue;
            }

            Thread.SpinWait(8);
        }
    }

    private void WorkerLoop(int worker)
    {
        int seen = 0; // the generation at construction: a job published before this thread starts is still seen
        while (true)
        {
            seen = WaitForJob(worker, seen);
            if (disposed)
            {
                return;
            }

            if (RunClaimedParts() && Interlocked.Exchange(ref callerSleeping, 0) == 1)
            {
                doneEvent.Set();
            }
        }
    }

    /// <summary>Spins, then sleeps, until the generation moves past <paramref name="seen"/>; returns the new one.</summary>
    private int WaitForJob(int worker, int seen)
    {
        long spinEnd = Stopwatch.GetTimestamp() + SpinTicks;
        int spins = 0;
        while (true)
        {
            int current = Volatile.Read(ref generation);
            if (current != seen)
            {
                return current;
            }

            if ((++spins & 63) != 0 || Stopwatch.GetTimestamp() <= spinEnd)
            {
                Thread.SpinWait(8);
                continue;
            }

            Interlocked.Exchange(ref sleeping[worker], 1);
            if (Volatile.Read(ref generation) != seen && Interlocked.Exchange(ref sleeping[worker], 0) == 1)
            {
                continue; // a job arrived and nobody will set the event
            }

            // Either no job yet (Run will see the flag and set the event) or Run already claimed the flag.
            wakeEvents[worker].Wait();
            wakeEvents[worker].Reset();
            spinEnd = Stopwatch.GetTimestamp() + SpinTicks;
        }
    }

    /// <summary>A per-thread, per-type home for the work struct while workers run it.</summary>
    private sealed class WorkBox<TWork>
        where TWork : struct, IRangeWork
    {
        [ThreadStatic]
        private static WorkBox<TWork>? current;

        public TWork Value;

        public static WorkBox<TWork> ForCurrentThread() => current ??= new WorkBox<TWork>();

        public static void Invoke(object box, int start, int end) => ((WorkBox<TWork>)box).Value.Execute(start, end);
    }
}
