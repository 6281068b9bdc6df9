using EdgeLLM.Server.Engine;

namespace EdgeLLM.Server.Tests;

/// <summary>One at a time, first in first out, a bounded line, and a cancelled waiter leaves it.</summary>
public sealed class RequestQueueTests
{
    [Fact]
    public async Task WaitersRunInArrivalOrderAndOneTooManyIsRefused()
    {
        var queue = new RequestQueue(maxWaiting: 3);
        IDisposable first = await queue.EnterAsync(CancellationToken.None);
        var order = new List<int>();
        Task[] waiters = [.. Enumerable.Range(1, 3).Select(index => Run(index))];

        await Assert.ThrowsAsync<QueueFullException>(() => queue.EnterAsync(CancellationToken.None));
        Assert.Equal(3, queue.Waiting);
        first.Dispose();
        await Task.WhenAll(waiters).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal([1, 2, 3], order);
        Assert.Equal(0, queue.Waiting);

        async Task Run(int index)
        {
            IDisposable turn = await queue.EnterAsync(CancellationToken.None);
            lock (order)
            {
                order.Add(index);
            }

            await Task.Yield();
            turn.Dispose();
        }
    }

    [Fact]
    public async Task ACancelledWaiterLeavesTheLine()
    {
        var queue = new RequestQueue(maxWaiting: 1);
        IDisposable first = await queue.EnterAsync(CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        Task<IDisposable> waiting = queue.EnterAsync(cancel.Token);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(0, queue.Waiting);
        first.Dispose();
        (await queue.EnterAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
    }
}
