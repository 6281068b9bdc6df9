namespace EdgeLLM.Runtime.Engines.Cpu.Kernels;

/// <summary>How a weight matrix lies in the mapped <c>model.onnx.data</c> (the converter's layouts, read in place).</summary>
public enum WeightLayout
{
    /// <summary>fp32 [K, N]: the MatMul initializer Wᵀ the converter writes for fp32 folders.</summary>
    Float32InputMajor,

    /// <summary>fp16 [K, N].</summary>
    Float16InputMajor,

    /// <summary>fp32 [N, K]: an embedding table or tied lm_head (Gemm transB).</summary>
    Float32OutputMajor,

    /// <summary>fp16 [N, K].</summary>
    Float16OutputMajor,

    /// <summary>MatMulNBits bits=8: B uint8 [N, kBlocks, blockSize].</summary>
    Int8Blocks,

    /// <summary>MatMulNBits bits=4: B uint8 [N, kBlocks, blockSize/2], K-offset 2i = low nibble of byte i.</summary>
    Int4Blocks,
}
