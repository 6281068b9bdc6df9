using System.Runtime.InteropServices;
using EdgeLLM.Quantize.Checkpoints;

namespace EdgeLLM.Quantize.Tests.Quantizers;

/// <summary>
/// A checkpoint whose chosen 2-D weights read as their llama.cpp Q4_0 or Q8_0 round trip in fp32
/// (<see cref="GgmlRoundTrip"/>), every other tensor as the source stores it: converted to an fp32
/// graph, it computes what a GGUF of the same weights computes, minus llama.cpp's 8-bit activations
/// (so its KL divergence is a lower bound of llama.cpp's). One round-tripped tensor is resident at a
/// time: it is freed when the converter releases it.
/// </summary>
internal sealed unsafe class GgmlRoundTripCheckpoint(ICheckpoint source, Func<string, GgmlBlockType?> blockTypeOf) : ICheckpoint
{
    private readonly Dictionary<string, (nint Data, TensorView View)> resident = new(StringComparer.Ordinal);

    public ModelConfig Config => source.Config;

    public IReadOnlyList<string> TensorNames => source.TensorNames;

    public bool Contains(string name) => source.Contains(name);

    public long ByteCount(string name) => blockTypeOf(name) is not null ? source.GetTensor(name).ElementCount * sizeof(float) : source.ByteCount(name);

    public TensorView GetTensor(string name)
    {
        if (blockTypeOf(name) is not { } blockType)
        {
            return source.GetTensor(name);
        }

        if (resident.TryGetValue(name, out (nint Data, TensorView View) held))
        {
            return held.View;
        }

        TensorView tensor = source.GetTensor(name);
        long rowLength = tensor.RowLength;
        float* data = (float*)NativeMemory.Alloc((nuint)(tensor.ElementCount * sizeof(float)));
        float[] row = new float[rowLength];
        for (long rowIndex = 0; rowIndex < tensor.RowCount; rowIndex++)
        {
            tensor.ReadRows(rowIndex, 1, row);
            GgmlRoundTrip.Apply(blockType, row, new Span<float>(data + (rowIndex * rowLength), (int)rowLength));
        }

        var view = new TensorView(name, TensorDType.F32, [.. tensor.Shape], (byte*)data, tensor.ElementCount * sizeof(float));
        resident[name] = ((nint)data, view);
        source.Release(name);
        return view;
    }

    public void Release(string name)
    {
        if (resident.Remove(name, out (nint Data, TensorView View) held))
        {
            NativeMemory.Free((void*)held.Data);
        }

        source.Release(name);
    }

    public void Dispose()
    {
        foreach ((nint data, _) in resident.Values)
        {
            NativeMemory.Free((void*)data);
        }

        resident.Clear();
        source.Dispose();
    }
}
