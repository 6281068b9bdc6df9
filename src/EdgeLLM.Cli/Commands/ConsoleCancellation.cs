using System.Runtime.InteropServices;

namespace EdgeLLM.Cli.Commands;

/// <summary>
/// Ctrl-C (SIGINT), SIGTERM and SIGHUP (a closed terminal or SSH session, a service stop) as a
/// <see cref="CancellationToken"/> for as long as a verb runs: the process is not killed, the verb
/// unwinds, so staged outputs are removed and locks released. Outside a verb the default action stands.
/// </summary>
internal sealed class ConsoleCancellation : IDisposable
{
    private readonly CancellationTokenSource source = new();
    private readonly PosixSignalRegistration[] registrations;

    public ConsoleCancellation()
    {
        Console.CancelKeyPress += OnCancelKeyPress;
        registrations = OperatingSystem.IsWindows()
            ? []
            : [PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal), PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSignal)];
    }

    public CancellationToken Token => source.Token;

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancelKeyPress;
        foreach (PosixSignalRegistration registration in registrations)
        {
            registration.Dispose();
        }

        source.Dispose();
    }

    private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs args)
    {
        args.Cancel = true;
        source.Cancel();
    }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        source.Cancel();
    }
}
