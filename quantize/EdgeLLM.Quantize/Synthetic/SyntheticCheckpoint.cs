using System.Runtime.InteropServices;
using EdgeLLM.Format;
using EdgeLLM.Quantize.Checkpoints;

namespace EdgeLLM.Quantize.Synthetic;

/// <summary>
/// An in-memory checkpoint whose tensors come from <see cref="WeightRecipe"/>: each tensor is generated
/// in the stored dtype when first asked for and freed on <see cref="Release"/>, so a full-size shape
/// streams with one tensor resident at a time.
/// </summary>
public sealed unsafe class SyntheticCheckpoint : ICheckpoint
{
    private readonly Dictionary<string, long[]> shapes;
    private readonly Dictionary<string, (nint Buffer, TensorView View)> generated = new(StringComparer.Ordinal);
    private readonly TensorDType dtype;
    private bool disposed;

    public SyntheticCheckpoint(ModelConfig config, TensorDType dtype)
    {
        Config = config;
        this.dtype = dtype;
        IReadOnlyList<(string Name, long[] Shape)> layout = HuggingFaceLayout.Tensors(config);
        shapes = layout.ToDictionary(tensor => tensor.Name, tensor => tensor.Shape, StringComparer.Ordinal);
        TensorNames = layout.Select(tensor => tensor.Name).ToArray();
    }

    public ModelConfig Config { get; }

    public IReadOnlyList<string> TensorNames { get; }

    public TensorDType DType => dtype;

    public bool Contains(string name) => shapes.ContainsKey(name);

    public TensorView GetTensor(string name)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (generated.TryGetValue(name, out var existing))
        {
            return existing.View;
        }

        if (!shapes.TryGetValue(name, out long[]? shape))
        {
            throw new EdgeLlmException($"synthetic checkpoint has no tensor '{name}'");
        }

        long elementCount = ElementCount(shape);
        long byteCount = elementCount * dtype.ByteSize();
        byte* buffer = (byte*)NativeMemory.Alloc((nuint)Math.Max(byteCount, 1));
        WriteElements(name, elementCount, buffer);
        var view = new TensorView(name, dtype, shape, buffer, byteCount);
        generated[name] = ((nint)buffer, view);
        return view;
    }

    public long ByteCount(string name)
        => shapes.TryGetValue(name, out long[]? shape)
            ? ElementCount(shape) * dtype.ByteSize()
            : throw new EdgeLlmException($"synthetic checkpoint has no tensor '{name}'");

    public void Release(string name)
    {
        if (generated.Remove(name, out var entry))
        {
            NativeMemory.Free((void*)entry.Buffer);
        }
    }

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        foreach (var entry in generated.Values)
        {
            NativeMemory.Free((void*)entry.Buffer);
        }

        generated.Clear();
    }

    private void WriteElements(string name, long elementCount, byte* buffer)
    {
        // Chunks are independent (each value is a function of its index), so large tensors fill in parallel.
        const int chunk = 1 << 16;
        long chunkCount = (elementCount + chunk - 1) / chunk;
        nint destination = (nint)buffer;
        Parallel.For(
            0L,
            chunkCount,
            () => new float[(int)Math.Min(chunk, Math.Max(elementCount, 1))],
            (chunkIndex, _, values) =>
            {
                long start = chunkIndex * chunk;
                int count = (int)Math.Min(chunk, elementCount - start);
                Span<float> slice = values.AsSpan(0, count);
                WeightRecipe.Fill(name, start, slice);
                Store(slice, (byte*)destination, start);
                return values;
            },
            _ => { });
    }

    private void Store(ReadOnlySpan<float> slice, byte* buffer, long start)
    {
        int count = slice.Length;
        switch (dtype)
        {
            case TensorDType.F32:
                MemoryMarshal.AsBytes(slice).CopyTo(new Span<byte>(buffer + (start * 4), count * 4));
                break;
            case TensorDType.F16:
                var halves = new Span<Half>(buffer + (start * 2), count);
                for (int i = 0; i < count; i++)
                {
                    halves[i] = (Half)slice[i];
                }

                break;
            default:
                var bf16 = new Span<ushort>(buffer + (start * 2), count);
                for (int i = 0; i < count; i++)
                {
                    // Recipe values are exact in bf16: truncation is exact.
                    bf16[i] = (ushort)(BitConverter.SingleToInt32Bits(slice[i]) >> 16);
                }

                break;
        }
    }

    private static long ElementCount(long[] shape)
    {
        long elementCount = 1;
        foreach (long dim in shape)
        {
            elementCount *= dim;
        }

        return elementCount;
    }
}
