namespace EdgeLLM.Devices.Planning;

/// <summary>Precision of a model's MatMul weights (MatMulNBits for int4/int8).</summary>
public enum ModelPrecision
{
    Int4,
    Int8,
    Fp16,
    Fp32,
}
