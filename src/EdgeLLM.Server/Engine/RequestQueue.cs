namespace EdgeLLM.Server.Engine;

/// <summary>
/// Lets one request at a time use the model; the others wait in arrival order (first in, first out), at most
/// <c>maxWaiting</c> of them; one more is refused with <see cref="QueueFullException"/>. A waiting request whose
/// token is cancelled (its client left) leaves the line at once.
/// </summary>
public sealed class RequestQueue
{
    private readonly object gate = new();
    private readonly LinkedList<TaskCompletionSource<IDisposable>> waiting = new();
    private readonly int maxWaiting;
    private bool busy;

    public RequestQueue(int maxWaiting)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxWaiting);
        this.maxWaiting = maxWaiting;
    }

    /// <summary>Requests waiting now (not counting the one running).</summary>
    public int Waiting
    {
        get
        {
            lock (gate)
            {
                return waiting.Count;
            }
        }
    }

    /// <summary>Waits for the model; dispose the returned turn to hand it to the next request.</summary>
    public async Task<IDisposable> EnterAsync(CancellationToken cancellation)
    {
        TaskCompletionSource<IDisposable> turn;
        LinkedListNode<TaskCompletionSource<IDisposable>> node;
        lock (gate)
        {
            cancellation.ThrowIfCancellationRequested();
            if (!busy)
            {
                busy = true;
                return new Turn(this);
            }

            if (waiting.Count >= maxWaiting)
            {
                throw new QueueFullException(maxWaiting);
            }

            turn = new TaskCompletionSource<IDisposable>(TaskCreationOptions.RunContinuationsAsynchronously);
            node = waiting.AddLast(turn);
        }

        using CancellationTokenRegistration registration = cancellation.Register(() =>
        {
            lock (gate)
            {
                if (node.List is not null)
                {
                    waiting.Remove(node);
                    turn.TrySetCanceled(cancellation);
                }
            }
        });
        return await turn.Task.ConfigureAwait(false);
    }

    private void Release()
    {
        lock (gate)
        {
            if (waiting.First is { } next)
            {
                waiting.RemoveFirst();
                next.Value.SetResult(new Turn(this));
                return;
            }

            busy = false;
        }
    }

    private sealed class Turn(RequestQueue queue) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                queue.Release();
            }
        }
    }
}
