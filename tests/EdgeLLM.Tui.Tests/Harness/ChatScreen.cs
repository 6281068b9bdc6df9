using System.Text;
using Terminal.Gui.App;
using Terminal.Gui.Drivers;
using Terminal.Gui.Input;

namespace EdgeLLM.Tui.Tests.Harness;

/// <summary>
/// Runs the real chat window on Terminal.Gui's ANSI driver in headless mode at 80×24 on its own
/// thread (the thread that calls Init is the UI thread), injects keys through the application's
/// keyboard and reads the rendered cells back on the UI thread.
/// </summary>
internal sealed class ChatScreen : IDisposable
{
    public const int Columns = 80;
    public const int Rows = 24;
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);

    private readonly CancellationTokenSource stop;
    private readonly Task runner;

    private ChatScreen(IApplication app, ChatWindow window, Task runner, CancellationTokenSource stop)
    {
        App = app;
        Window = window;
        this.runner = runner;
        this.stop = stop;
    }

    public IApplication App { get; }

    public ChatWindow Window { get; }

    /// <summary>True once the application's main loop has ended (the window quit).</summary>
    public bool HasExited => runner.IsCompleted;

    public static ChatScreen Start(ChatAppOptions options)
    {
        var ready = new TaskCompletionSource<(IApplication, ChatWindow)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var stop = new CancellationTokenSource();
        Task runner = Task.Factory.StartNew(
            () =>
            {
                IApplication app = Application.Create();
                try
                {
                    app.Init(DriverRegistry.Names.ANSI);
                    app.Driver!.SetScreenSize(Columns, Rows);
                    using var window = new ChatWindow(app, options);
                    ready.SetResult((app, window));
                    app.RunAsync(window, stop.Token).GetAwaiter().GetResult();
                }
                catch (Exception exception)
                {
                    ready.TrySetException(exception);
                    throw;
                }
                finally
                {
                    app.Dispose();
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        (IApplication started, ChatWindow chatWindow) = ready.Task.WaitAsync(WaitLimit).GetAwaiter().GetResult();
        return new ChatScreen(started, chatWindow, runner, stop);
    }

    /// <summary>Starts the window and waits until its model is open.</summary>
    public static ChatScreen StartReady(ChatAppOptions options)
    {
        ChatScreen screen = Start(options);
        screen.WaitForText(" is ready");
        return screen;
    }

    /// <summary>Waits until no reply is being generated.</summary>
    public void WaitUntilIdle() => WaitFor(_ => !OnUiThread(() => Window.IsGenerating), "the reply finished");

    /// <summary>Queues a key press on the UI thread (does not wait: the key may open a modal dialog).</summary>
    public void Press(Key key) => Window.Post(() => App.Keyboard.RaiseKeyDownEvent(key));

    public void Type(string text)
    {
        foreach (char character in text)
        {
            Press(new Key(character));
        }
    }

    /// <summary>Runs <paramref name="read"/> on the UI thread and returns its result.</summary>
    public T OnUiThread<T>(Func<T> read)
    {
        var result = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Window.Post(() =>
        {
            try
            {
                result.SetResult(read());
            }
            catch (Exception exception)
            {
                result.SetException(exception);
            }
        });
        return result.Task.WaitAsync(WaitLimit).GetAwaiter().GetResult();
    }

    /// <summary>The 24 rendered rows, read from the driver's cells after a layout and draw.</summary>
    public string[] Capture() => OnUiThread(() =>
    {
        App.LayoutAndDraw();
        Terminal.Gui.Drawing.Cell[,] contents = App.Driver!.Contents!;
        var rows = new string[contents.GetLength(0)];
        for (int row = 0; row < rows.Length; row++)
        {
            var text = new StringBuilder();
            for (int column = 0; column < contents.GetLength(1); column++)
            {
                text.Append(contents[row, column].Grapheme);
            }

            rows[row] = text.ToString();
        }

        return rows;
    });

    /// <summary>Waits until the screen satisfies <paramref name="condition"/>; fails with the last screen otherwise.</summary>
    public string[] WaitFor(Func<string[], bool> condition, string description)
    {
        DateTime giveUp = DateTime.UtcNow + WaitLimit;
        string[] rows = Capture();
        while (!condition(rows))
        {
            if (DateTime.UtcNow > giveUp)
            {
                Assert.Fail($"The screen never showed {description}. Last screen:\n{string.Join('\n', rows)}");
            }

            Thread.Sleep(20);
            rows = Capture();
        }

        return rows;
    }

    public string[] WaitForText(string text) => WaitFor(rows => rows.Any(row => row.Contains(text, StringComparison.Ordinal)), $"\"{text}\"");

    public void Dispose()
    {
        // Cancelling ends the main loop; dialogs still open are asked to stop one by one.
        stop.Cancel();
        DateTime giveUp = DateTime.UtcNow + WaitLimit;
        while (!runner.Wait(TimeSpan.FromMilliseconds(100)) && DateTime.UtcNow < giveUp)
        {
            Window.Post(() => App.RequestStop());
        }

        stop.Dispose();
    }
}
