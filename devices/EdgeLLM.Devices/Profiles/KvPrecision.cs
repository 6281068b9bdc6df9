namespace EdgeLLM.Devices.Profiles;

/// <summary>Element type of the KV cache (ORT's CPU GroupQueryAttention takes fp32 only).</summary>
public enum KvPrecision
{
    Fp32,
    Fp16,
}
