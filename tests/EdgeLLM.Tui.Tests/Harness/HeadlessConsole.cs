using System.Runtime.CompilerServices;

namespace EdgeLLM.Tui.Tests.Harness;

/// <summary>Keeps every test off the real console: Terminal.Gui's ANSI driver then works on its in-memory buffer only.</summary>
internal static class HeadlessConsole
{
    [ModuleInitializer]
    internal static void KeepOffTheRealConsole() => Environment.SetEnvironmentVariable("DisableRealDriverIO", "1");
}
