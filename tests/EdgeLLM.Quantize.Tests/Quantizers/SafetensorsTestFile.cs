using System.Buffers.Binary;
using System.Text.Json;

namespace EdgeLLM.Quantize.Tests.Quantizers;

/// <summary>
/// Reads the fp32 tensors of a small safetensors file whole (8-byte little-endian header length, JSON
/// header, data) for error measurements on stories260k; the product's reader memory-maps instead.
/// </summary>
internal static class SafetensorsTestFile
{
    public static Dictionary<string, (long[] Shape, float[] Values)> ReadFloat32(string path)
    {
        byte[] file = File.ReadAllBytes(path);
        long headerLength = BinaryPrimitives.ReadInt64LittleEndian(file);
        int dataStart = checked(8 + (int)headerLength);
        using var header = JsonDocument.Parse(file.AsMemory(8, (int)headerLength));
        var tensors = new Dictionary<string, (long[], float[])>(StringComparer.Ordinal);
        foreach (JsonProperty entry in header.RootElement.EnumerateObject())
        {
            if (entry.Name == "__metadata__")
            {
                continue;
            }

            Assert.Equal("F32", entry.Value.GetProperty("dtype").GetString());
            long[] shape = entry.Value.GetProperty("shape").EnumerateArray().Select(dim => dim.GetInt64()).ToArray();
            int[] offsets = entry.Value.GetProperty("data_offsets").EnumerateArray().Select(offset => offset.GetInt32()).ToArray();
            float[] values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(file.AsSpan(dataStart + offsets[0], offsets[1] - offsets[0])).ToArray();
            tensors[entry.Name] = (shape, values);
        }

        return tensors;
    }
}
