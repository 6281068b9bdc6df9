using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace EdgeLLM.Runtime.Native;

/// <summary>
/// Where ONNX Runtime's native library comes from. A NativeAOT publish carries it inside the executable
/// (<see cref="EmbeddedNativeLibrary"/>); <see cref="UseEmbedded(Assembly)"/> then points ONNX Runtime's
/// P/Invokes at a hash-checked extracted copy (<see cref="NativeLibraryCache"/>). The copy is made
/// lazily, on the first ONNX Runtime call, so verbs that never run a model never extract it. Everywhere
/// else (dotnet build, dotnet test) nothing is embedded and NuGet's runtimes/ layout is used as before.
/// </summary>
public static class OnnxRuntimeLibrary
{
    /// <summary>The library name ONNX Runtime's managed binding imports.</summary>
    public const string ImportName = "onnxruntime";

    private static readonly Lock Gate = new();
    private static Lazy<IntPtr>? loaded;

    /// <summary>The extracted copy in use, or null before the first ONNX Runtime call or when nothing is embedded.</summary>
    public static string? ExtractedPath { get; private set; }

    /// <summary>
    /// Routes ONNX Runtime to the library embedded in <paramref name="host"/> (the executable's assembly),
    /// extracted into <see cref="NativeLibraryCache.ForThisExecutable"/>. Call before any ONNX Runtime type is used.
    /// Returns false, changing nothing, when <paramref name="host"/> carries no library.
    /// </summary>
    public static bool UseEmbedded(Assembly host) => UseEmbedded(host, NativeLibraryCache.ForThisExecutable());

    /// <inheritdoc cref="UseEmbedded(Assembly)"/>
    public static bool UseEmbedded(Assembly host, NativeLibraryCache cache)
    {
        if (EmbeddedNativeLibrary.Find(host, ImportName) is not { } library)
        {
            return false;
        }

        lock (Gate)
        {
            if (loaded is not null)
            {
                return true;
            }

            loaded = new Lazy<IntPtr>(() =>
            {
                string path = cache.Extract(library);
                IntPtr handle = NativeLibrary.Load(path);
                ExtractedPath = path;
                return handle;
            }, LazyThreadSafetyMode.ExecutionAndPublication);

            // ONNX Runtime registers its own resolver (probing beside the assembly) unless told not to.
            OrtEnv.DisableDllImportResolver = true;
            NativeLibrary.SetDllImportResolver(typeof(OrtEnv).Assembly, Resolve);
            return true;
        }
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
        => libraryName == ImportName && loaded is { } library ? library.Value : IntPtr.Zero;
}
