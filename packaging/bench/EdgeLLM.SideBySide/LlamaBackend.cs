using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using LLama.Native;

namespace EdgeLLM.SideBySide;

/// <summary>
/// Which llama.cpp this process uses: LLamaSharp 0.30.0's bundled CPU build (llama.cpp 815a2a5; the
/// AVX-512 variant where the CPU has AVX-512, no VNNI in it) or, with --libllama, a natively built
/// libllama.so. Configured once, before any other LLamaSharp call.
/// </summary>
internal static class LlamaBackend
{
    private static string? build;

    /// <summary>The build label every printed llama.cpp figure carries.</summary>
    public static string Build => build ?? throw new InvalidOperationException("llama.cpp backend not configured");

    public static void Configure(string? libllamaPath)
    {
        if (build is not null)
        {
            return;
        }

        NativeLibraryConfig.All.WithLogCallback((_, _) => { });
        if (libllamaPath is not null)
        {
            NativeLibraryConfig.LLama.WithLibrary(libllamaPath);
            build = $"native libllama {libllamaPath}";
        }
        else
        {
            AvxLevel level = Avx512F.IsSupported ? AvxLevel.Avx512 : Avx2.IsSupported ? AvxLevel.Avx2 : AvxLevel.None;
            NativeLibraryConfig.All.WithCuda(false).WithVulkan(false).WithAvx(level).WithAutoFallback(false);
            build = $"LLamaSharp 0.30.0 bundled llama.cpp 815a2a5 ({level.ToString().ToLowerInvariant()})";
        }

        NativeApi.llama_empty_call();
    }

    /// <summary>llama.cpp's own system line ("CPU : SSE3 = 1 | AVX512 = 1 | ...").</summary>
    public static string SystemInfo() => Marshal.PtrToStringUTF8(NativeApi.llama_print_system_info()) ?? string.Empty;
}
