using System.Buffers.Binary;
using System.Text;

namespace EdgeLLM.Quantize.Tests.Checkpoints;

/// <summary>Writes hand-made safetensors files (valid or deliberately broken) for reader tests.</summary>
internal static class SafetensorsBytes
{
    /// <summary>8-byte little-endian length of <paramref name="headerJson"/>, the header, then <paramref name="dataBytes"/> bytes 0,1,2,...</summary>
    public static string Write(string folder, string fileName, string headerJson, int dataBytes, ulong? declaredHeaderLength = null)
    {
        byte[] header = Encoding.UTF8.GetBytes(headerJson);
        byte[] file = new byte[8 + header.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(file, declaredHeaderLength ?? (ulong)header.Length);
        header.CopyTo(file, 8);
        for (int i = 0; i < dataBytes; i++)
        {
            file[8 + header.Length + i] = (byte)i;
        }

        string path = Path.Combine(folder, fileName);
        File.WriteAllBytes(path, file);
        return path;
    }
}
