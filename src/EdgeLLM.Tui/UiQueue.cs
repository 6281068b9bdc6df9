using System.Collections.Concurrent;
using Terminal.Gui.App;

namespace EdgeLLM.Tui;

/// <summary>
/// Work for the UI thread, run at the start of each main-loop iteration (the 2.5.0 equivalent of
/// Application.Invoke that is safe for modal dialogs). Terminal.Gui 2.5.0 runs Invoke callbacks
/// inside its timer lock, so a dialog opened from one (an error after a failed load, the model
/// picker at start) would block every other thread's Invoke until it closed. The queue is drained
/// from the Iteration event instead, outside that lock, and nested dialog loops keep draining it.
/// </summary>
internal sealed class UiQueue : IDisposable
{
    private readonly IApplication app;
    private readonly ConcurrentQueue<Action> work = new();

    public UiQueue(IApplication app)
    {
        this.app = app;
        app.Iteration += Drain;
    }

    /// <summary>Runs <paramref name="action"/> on the UI thread at the next iteration; callable from any thread.</summary>
    public void Post(Action action) => work.Enqueue(action);

    public void Dispose() => app.Iteration -= Drain;

    private void Drain(object? sender, EventArgs<IApplication?> e)
    {
        while (work.TryDequeue(out Action? action))
        {
            action();
        }
    }
}
