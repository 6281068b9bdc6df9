using System.Security.Cryptography;
using System.Text.Json;
using EdgeLLM.Quantize.Checkpoints;

namespace EdgeLLM.Quantize.Tests.Checkpoints;

/// <summary>dtype, shape and SHA-256 of each tensor's stored bytes, as tensors.sha256.json lists them.</summary>
internal static class TensorHashes
{
    public static SortedDictionary<string, string> FromFixture(string path)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(path));
        var hashes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (JsonProperty tensor in document.RootElement.EnumerateObject())
        {
            long[] shape = tensor.Value.GetProperty("shape").EnumerateArray().Select(dim => dim.GetInt64()).ToArray();
            hashes[tensor.Name] = Describe(tensor.Value.GetProperty("dtype").GetString()!, shape, tensor.Value.GetProperty("sha256").GetString()!);
        }

        return hashes;
    }

    /// <summary>Hashes every tensor of every file (read through <see cref="SafetensorsFile"/>'s views).</summary>
    public static SortedDictionary<string, string> FromFiles(IEnumerable<SafetensorsFile> files)
    {
        var hashes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (SafetensorsFile file in files)
        {
            foreach (string name in file.TensorNames)
            {
                TensorView view = file.GetTensor(name);
                using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                const int chunk = 1 << 20;
                for (long offset = 0; offset < view.ByteCount; offset += chunk)
                {
                    sha.AppendData(view.GetBytes(offset, (int)Math.Min(chunk, view.ByteCount - offset)));
                }

                hashes[name] = Describe(view.DType.SafetensorsName(), view.Shape, Convert.ToHexStringLower(sha.GetHashAndReset()));
            }
        }

        return hashes;
    }

    private static string Describe(string dtype, IReadOnlyList<long> shape, string sha256) => $"{dtype} {SafetensorsEntry.FormatShape(shape)} {sha256}";
}
