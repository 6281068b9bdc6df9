using EdgeLLM.Format.ModelFolder;
using EdgeLLM.Format;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeLLM.Runtime.Engines.Onnx;

/// <summary>
/// The shared-buffer KV cache: per layer one key and one value tensor of
/// [1, kvHeadCount, contextLength, headDim] allocated once, bound as both <c>past_key_values.*</c>
/// input and <c>present.*</c> output so GroupQueryAttention writes new rows in place.
/// </summary>
internal sealed class KvCache : IDisposable
{
    private readonly OrtValue[] keys;
    private readonly OrtValue[] values;

    public KvCache(int layerCount, int kvHeadCount, int contextLength, int headDim, TensorElementType elementType = TensorElementType.Float)
    {
        ElementType = elementType is TensorElementType.Float or TensorElementType.Float16
            ? elementType
            : throw new EdgeLlmException($"the KV cache must be float or float16, the graph declares {elementType}");
        LayerCount = layerCount;
        KvHeadCount = kvHeadCount;
        ContextLength = contextLength;
        HeadDim = headDim;
        long[] shape = [1, kvHeadCount, contextLength, headDim];
        keys = new OrtValue[layerCount];
        values = new OrtValue[layerCount];
        try
        {
            for (int layer = 0; layer < layerCount; layer++)
            {
                keys[layer] = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, elementType, shape);
                values[layer] = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, elementType, shape);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public int LayerCount { get; }

    public int KvHeadCount { get; }

    public int ContextLength { get; }

    public int HeadDim { get; }

    /// <summary>Float for CPU graphs, Float16 for the DirectML variant (<c>quantize --target dml</c>).</summary>
    public TensorElementType ElementType { get; }

    /// <summary>Bytes held by the cache: 2 · layers · kvHeads · context · headDim · element size.</summary>
    public long ByteCount => 2L * LayerCount * KvHeadCount * ContextLength * HeadDim * (ElementType == TensorElementType.Float16 ? 2 : sizeof(float));

    /// <summary>Binds every layer's buffers as both past input and present output.</summary>
    public void BindTo(OrtIoBinding binding)
    {
        for (int layer = 0; layer < LayerCount; layer++)
        {
            binding.BindInput(GraphContract.PastKey(layer), keys[layer]);
            binding.BindInput(GraphContract.PastValue(layer), values[layer]);
            binding.BindOutput(GraphContract.PresentKey(layer), keys[layer]);
            binding.BindOutput(GraphContract.PresentValue(layer), values[layer]);
        }
    }

    public void Dispose()
    {
        foreach (OrtValue? value in keys)
        {
            value?.Dispose();
        }

        foreach (OrtValue? value in values)
        {
            value?.Dispose();
        }
    }
}
