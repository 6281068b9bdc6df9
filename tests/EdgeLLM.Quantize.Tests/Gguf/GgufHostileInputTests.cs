using System.Diagnostics;
using EdgeLLM.Format;
using EdgeLLM.Quantize.Gguf;
using EdgeLLM.Tests.Shared;
using Xunit.Abstractions;

namespace EdgeLLM.Quantize.Tests.Gguf;

/// <summary>
/// Damaged GGUF files: each defect is one <see cref="EdgeLlmException"/> line naming the field, and a
/// seeded fuzz run over thousands of mutations of a small valid file ends every input in success or that
/// one-line error — no other exception, no hang, allocation bounded by the input's size.
/// </summary>
public sealed class GgufHostileInputTests(ITestOutputHelper output)
{
    public static TheoryData<string, string> Damages => new()
    {
        { "truncated", "truncated" },
        { "bad-magic", "bad magic" },
        { "huge-tensor-count", "tensor_count" },
        { "tensor-past-end", "past the end" },
        { "unknown-type", "ggml type 99" },
        { "version-1", "version 1" },
    };

    [Fact]
    public void TheSmallFileReadsWithEveryTensorAndTheTokenizer()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string path = Path.Combine(temp.Path, "small.gguf");
        File.WriteAllBytes(path, new RawGguf().Build());
        using MappedGgufFile file = MappedGgufFile.Open(path);
        Assert.Equal(6, file.Tensors.Count);
        Assert.Equal(GgmlType.Q4_K, file.Tensor("blk.0.ffn_down.weight").Type);
        Assert.Equal(144 * 2, file.Tensor("blk.0.ffn_down.weight").ByteCount);
        Assert.Equal("qwen2", file.Find("general.architecture")!.AsString());
        Assert.Equal(8, file.Find("tokenizer.ggml.tokens")!.AsStrings().Length);
        Assert.Equal(2, GgufTokenizerFiles.Build(file).Count);
    }

    [Theory]
    [MemberData(nameof(Damages))]
    public void DamagedFileIsOneLineNamingTheField(string damage, string expected)
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string path = Path.Combine(temp.Path, $"{damage}.gguf");
        File.WriteAllBytes(path, Damaged(damage));
        var exception = Assert.Throws<EdgeLlmException>(() => MappedGgufFile.Open(path).Dispose());
        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
        Assert.StartsWith(path, exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', exception.Message);
    }

    [Fact]
    public void UnknownPreTokenizerIsRefusedByName()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        string path = Path.Combine(temp.Path, "pre.gguf");
        File.WriteAllBytes(path, new RawGguf { PreTokenizer = "mystery-bpe" }.Build());
        using MappedGgufFile file = MappedGgufFile.Open(path);
        var exception = Assert.Throws<EdgeLlmException>(() => GgufTokenizerFiles.Build(file));
        Assert.Contains("'mystery-bpe'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SeededMutationsEndInSuccessOrOneLineErrors()
    {
        using TempFolder temp = TestPaths.CreateTemp();
        byte[] seed = new RawGguf().Build();
        var random = new Random(20261206);
        string path = Path.Combine(temp.Path, "fuzz.gguf");
        int opened = 0, refused = 0;
        long worstAllocation = 0;
        TimeSpan worstTime = TimeSpan.Zero;
        var clock = Stopwatch.StartNew();
        const int inputs = 4000;
        for (int input = 0; input < inputs; input++)
        {
            byte[] bytes = Mutate(seed, random);
            File.WriteAllBytes(path, bytes);
            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            var started = Stopwatch.StartNew();
            try
            {
                using MappedGgufFile file = MappedGgufFile.Open(path);
                foreach (GgufTensorInfo tensor in file.Tensors)
                {
                    var values = new float[tensor.ElementCount];
                    GgmlDequantizer.Dequantize(tensor.Type, file.Bytes(tensor), values);
                }

                TryModelParts(file);
                opened++;
            }
            catch (EdgeLlmException exception)
            {
                Assert.False(exception.Message.Contains('\n', StringComparison.Ordinal), $"input {input}: multi-line message {exception.Message}");
                refused++;
            }

            worstTime = started.Elapsed > worstTime ? started.Elapsed : worstTime;
            worstAllocation = Math.Max(worstAllocation, GC.GetAllocatedBytesForCurrentThread() - allocatedBefore);
            Assert.True(GC.GetAllocatedBytesForCurrentThread() - allocatedBefore < (64L * bytes.Length) + (4 << 20), $"input {input}: allocated {GC.GetAllocatedBytesForCurrentThread() - allocatedBefore} bytes for a {bytes.Length}-byte file");
        }

        output.WriteLine($"{inputs} mutated inputs of a {seed.Length}-byte GGUF in {clock.Elapsed.TotalSeconds:F1} s: {opened} read, {refused} refused with one line; slowest {worstTime.TotalMilliseconds:F1} ms, most allocated {worstAllocation:N0} bytes");
        Assert.Equal(inputs, opened + refused);
        Assert.True(worstTime < TimeSpan.FromSeconds(2), $"slowest input took {worstTime}");
    }

    /// <summary>Metadata interpretation of a file that opened: config and tokenizer either work or say why in one line.</summary>
    private static void TryModelParts(MappedGgufFile file)
    {
        foreach (Action part in new Action[] { () => GgufModelConfig.Read(file), () => GgufTokenizerFiles.Build(file) })
        {
            try
            {
                part();
            }
            catch (Exception exception) when (exception is EdgeLlmException)
            {
                Assert.DoesNotContain('\n', exception.Message);
            }
        }
    }

    private static byte[] Damaged(string damage)
    {
        byte[] valid = new RawGguf().Build();
        return damage switch
        {
            "truncated" => valid[..(valid.Length / 3)],
            "bad-magic" => new RawGguf { Magic = 0x46554746 }.Build(),
            "huge-tensor-count" => new RawGguf { TensorCountOverride = ulong.MaxValue / 2 }.Build(),
            "tensor-past-end" => new RawGguf { LastTensorOffsetOverride = 1UL << 40 }.Build(),
            "unknown-type" => new RawGguf { FirstTensorTypeOverride = 99 }.Build(),
            "version-1" => new RawGguf { Version = 1 }.Build(),
            _ => throw new ArgumentOutOfRangeException(nameof(damage), damage, null),
        };
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        byte[] bytes = (byte[])seed.Clone();
        int headerEnd = Math.Min(bytes.Length, 1400);
        switch (random.Next(5))
        {
            case 0:
                for (int flips = random.Next(1, 4); flips > 0; flips--)
                {
                    bytes[random.Next(headerEnd)] ^= (byte)(1 << random.Next(8));
                }

                return bytes;
            case 1:
                return bytes[..random.Next(bytes.Length)];
            case 2:
                ulong[] huge = [ulong.MaxValue, 1UL << 63, 1UL << 32, (1UL << 31) - 1, 0, (ulong)bytes.Length, 1UL << 40];
                BitConverter.TryWriteBytes(bytes.AsSpan(random.Next(headerEnd - 8)), huge[random.Next(huge.Length)]);
                return bytes;
            case 3:
                BitConverter.TryWriteBytes(bytes.AsSpan(random.Next(headerEnd - 4)), (uint)random.Next(-1, 40));
                return bytes;
            default:
                bytes[random.Next(headerEnd)] = (byte)random.Next(256);
                return bytes;
        }
    }
}
