using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;
using EdgeLLM.Quantize.Checkpoints;

namespace EdgeLLM.Quantize.Tests.Architectures;

/// <summary>
/// A single-file safetensors checkpoint read whole into native memory, for the stories260k test only
/// (1 MB of fp32). Stand-in until the product's CheckpointFolder reader is merged; the converter sees
/// only <see cref="ICheckpoint"/> either way.
/// </summary>
internal sealed unsafe class SafetensorsTestCheckpoint : ICheckpoint
{
    private readonly byte* data;
    private readonly Dictionary<string, TensorView> tensors = new(StringComparer.Ordinal);

    public SafetensorsTestCheckpoint(string folder)
    {
        Config = ModelConfig.Load(folder);
        byte[] file = File.ReadAllBytes(Path.Combine(folder, "model.safetensors"));
        long headerLength = BinaryPrimitives.ReadInt64LittleEndian(file);
        int dataStart = checked(8 + (int)headerLength);
        data = (byte*)NativeMemory.Alloc((nuint)(file.Length - dataStart));
        file.AsSpan(dataStart).CopyTo(new Span<byte>(data, file.Length - dataStart));
        using JsonDocument header = JsonDocument.Parse(file.AsMemory(8, (int)headerLength));
        foreach (JsonProperty entry in header.RootElement.EnumerateObject().Where(entry => entry.Name != "__metadata__"))
        {
            Assert.Equal("F32", entry.Value.GetProperty("dtype").GetString());
            long[] shape = entry.Value.GetProperty("shape").EnumerateArray().Select(dim => dim.GetInt64()).ToArray();
            long[] offsets = entry.Value.GetProperty("data_offsets").EnumerateArray().Select(offset => offset.GetInt64()).ToArray();
            tensors[entry.Name] = new TensorView(entry.Name, TensorDType.F32, shape, data + offsets[0], offsets[1] - offsets[0]);
        }

        TensorNames = [.. tensors.Keys];
    }

    public ModelConfig Config { get; }

    public IReadOnlyList<string> TensorNames { get; }

    public bool Contains(string name) => tensors.ContainsKey(name);

    public TensorView GetTensor(string name)
        => tensors.TryGetValue(name, out TensorView? view) ? view : throw new InvalidDataException($"model.safetensors has no tensor '{name}'");

    public void Release(string name)
    {
    }

    public void Dispose() => NativeMemory.Free(data);
}
