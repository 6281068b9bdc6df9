using System.Runtime.InteropServices;
using EdgeLLM.Quantize.Gguf;

namespace EdgeLLM.Quantize.Tests.Gguf;

/// <summary>
/// ggml's own quantizer and dequantizers from the libggml-base.so LLamaSharp loads (ggml_quantize_chunk,
/// dequantize_row_*): the reference our block code is checked against. Linux only (the path comes from
/// /proc/self/maps); <see cref="Available"/> is false elsewhere.
/// </summary>
internal static unsafe class GgmlNative
{
    private static readonly Lazy<nint> Library = new(Load);

    public static bool Available => Library.Value != 0;

    /// <summary>Quantizes <paramref name="rows"/> rows of <paramref name="rowLength"/> values with ggml_quantize_chunk (no importance matrix).</summary>
    public static byte[] Quantize(GgmlType type, float[] values, int rows, int rowLength)
    {
        var quantize = (delegate* unmanaged<int, float*, void*, long, long, long, float*, nuint>)NativeLibrary.GetExport(Library.Value, "ggml_quantize_chunk");
        var result = new byte[rows * type.RowByteCount(rowLength)];
        fixed (float* source = values)
        fixed (byte* destination = result)
        {
            nuint written = quantize((int)type, source, destination, 0, rows, rowLength, null);
            Assert.Equal((nuint)result.Length, written);
        }

        return result;
    }

    /// <summary>ggml's dequantize_row_{type} over all of <paramref name="blocks"/>.</summary>
    public static float[] Dequantize(GgmlType type, byte[] blocks)
    {
        string name = $"dequantize_row_{type.ToString().ToLowerInvariant().Replace("_k", "_K", StringComparison.Ordinal)}";
        var dequantize = (delegate* unmanaged<void*, float*, long, void>)NativeLibrary.GetExport(Library.Value, name);
        var result = new float[blocks.Length / type.BlockByteCount() * type.BlockLength()];
        fixed (byte* source = blocks)
        fixed (float* destination = result)
        {
            dequantize(source, destination, result.Length);
        }

        return result;
    }

    private static nint Load()
    {
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }

        LlamaCpp.Configure();
        string? path = File.ReadLines("/proc/self/maps")
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault())
            .FirstOrDefault(candidate => candidate is not null && candidate.EndsWith("/libggml-base.so", StringComparison.Ordinal));
        return path is null ? 0 : NativeLibrary.Load(path);
    }
}
