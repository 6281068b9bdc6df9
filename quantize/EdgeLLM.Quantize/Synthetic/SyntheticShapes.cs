using EdgeLLM.Format;

namespace EdgeLLM.Quantize.Synthetic;

/// <summary>
/// The shapes <c>edgellm synth</c> knows: the three tiny reference fixtures (config text identical to
/// the fixtures', tiny-r1-qwen2 sharded like the fixture; tiny-qwen3-yarn) and the seven DeepSeek-R1 distills
/// (their public config.json and generation_config.json values) for speed and memory benchmarks.
/// </summary>
public static class SyntheticShapes
{
    public static SyntheticShape TinyR1Qwen2 { get; } = new()
    {
        Name = "tiny-r1-qwen2",
        Description = "the tiny-r1-qwen2 fixture: Qwen2 like R1-Distill-Qwen, bf16, two shards, untied",
        ConfigJson = """
            {
              "architectures": [
                "Qwen2ForCausalLM"
              ],
              "model_type": "qwen2",
              "attention_dropout": 0.0,
              "bos_token_id": 151643,
              "eos_token_id": 151643,
              "hidden_act": "silu",
              "hidden_size": 128,
              "initializer_range": 0.02,
              "intermediate_size": 384,
              "max_position_embeddings": 131072,
              "max_window_layers": 21,
              "num_attention_heads": 2,
              "num_hidden_layers": 2,
              "num_key_value_heads": 1,
              "rms_norm_eps": 1e-06,
              "rope_theta": 10000,
              "sliding_window": 4096,
              "tie_word_embeddings": false,
              "torch_dtype": "bfloat16",
              "use_cache": true,
              "use_sliding_window": false,
              "vocab_size": 151936
            }
            """,
        GenerationConfigJson = """
            {
              "bos_token_id": 151646,
              "eos_token_id": 151643,
              "do_sample": true,
              "temperature": 0.6,
              "top_p": 0.95
            }
            """,
        ShardBytes = 40_000_000,
    };

    public static SyntheticShape TinyK256 { get; } = new()
    {
        Name = "tiny-k256",
        Description = "tiny-r1-qwen2 widened so every matrix row is whole 256-element K-quant super-blocks (hidden 256, intermediate 512, 4 heads, 2 KV heads): llama.cpp's Q4_K_M and Q6_K keep their K types",
        ConfigJson = """
            {
              "architectures": [
                "Qwen2ForCausalLM"
              ],
              "model_type": "qwen2",
              "attention_dropout": 0.0,
              "bos_token_id": 151643,
              "eos_token_id": 151643,
              "hidden_act": "silu",
              "hidden_size": 256,
              "initializer_range": 0.02,
              "intermediate_size": 512,
              "max_position_embeddings": 131072,
              "max_window_layers": 21,
              "num_attention_heads": 4,
              "num_hidden_layers": 2,
              "num_key_value_heads": 2,
              "rms_norm_eps": 1e-06,
              "rope_theta": 10000,
              "sliding_window": 4096,
              "tie_word_embeddings": false,
              "torch_dtype": "bfloat16",
              "use_cache": true,
              "use_sliding_window": false,
              "vocab_size": 151936
            }
            """,
        GenerationConfigJson = """
            {
              "bos_token_id": 151646,
              "eos_token_id": 151643,
              "do_sample": true,
              "temperature": 0.6,
              "top_p": 0.95
            }
            """,
    };

    public static SyntheticShape TinyLlama31 { get; } = new()
    {
        Name = "tiny-llama31",
        Description = "the tiny-llama31 fixture: Llama with llama3 RoPE scaling, fp16, untied",
        ConfigJson = """
            {
              "architectures": [
                "LlamaForCausalLM"
              ],
              "model_type": "llama",
              "attention_bias": false,
              "attention_dropout": 0.0,
              "bos_token_id": 128000,
              "eos_token_id": [
                128001,
                128008,
                128009
              ],
              "hidden_act": "silu",
              "hidden_size": 128,
              "initializer_range": 0.02,
              "intermediate_size": 384,
              "max_position_embeddings": 131072,
              "mlp_bias": false,
              "num_attention_heads": 2,
              "num_hidden_layers": 2,
              "num_key_value_heads": 1,
              "pretraining_tp": 1,
              "rms_norm_eps": 1e-05,
              "rope_scaling": {
                "factor": 8.0,
                "high_freq_factor": 4.0,
                "low_freq_factor": 1.0,
                "original_max_position_embeddings": 8192,
                "rope_type": "llama3"
              },
              "rope_theta": 500000.0,
              "tie_word_embeddings": false,
              "torch_dtype": "float16",
              "use_cache": true,
              "vocab_size": 128256
            }
            """,
    };

    public static SyntheticShape TinyQwen3 { get; } = new()
    {
        Name = "tiny-qwen3",
        Description = "the tiny-qwen3 fixture: Qwen3 with q/k norms, head_dim 128, tied embeddings, bf16",
        ConfigJson = """
            {
              "architectures": [
                "Qwen3ForCausalLM"
              ],
              "model_type": "qwen3",
              "attention_bias": false,
              "attention_dropout": 0.0,
              "bos_token_id": 151643,
              "eos_token_id": 151645,
              "head_dim": 128,
              "hidden_act": "silu",
              "hidden_size": 128,
              "initializer_range": 0.02,
              "intermediate_size": 384,
              "max_position_embeddings": 40960,
              "max_window_layers": 28,
              "num_attention_heads": 2,
              "num_hidden_layers": 2,
              "num_key_value_heads": 1,
              "rms_norm_eps": 1e-06,
              "rope_scaling": null,
              "rope_theta": 1000000,
              "sliding_window": null,
              "tie_word_embeddings": true,
              "torch_dtype": "bfloat16",
              "use_cache": true,
              "use_sliding_window": false,
              "vocab_size": 151936
            }
            """,
    };

    public static SyntheticShape TinyQwen3Yarn { get; } = new()
    {
        Name = "tiny-qwen3-yarn",
        Description = "the tiny-qwen3-yarn fixture: tiny-qwen3's weights with R1-0528-Qwen3-8B's YaRN RoPE scaling (factor 4 over 32768 positions)",
        ConfigJson = """
            {
              "architectures": [
                "Qwen3ForCausalLM"
              ],
              "model_type": "qwen3",
              "attention_bias": false,
              "attention_dropout": 0.0,
              "bos_token_id": 151643,
              "eos_token_id": 151645,
              "head_dim": 128,
              "hidden_act": "silu",
              "hidden_size": 128,
              "initializer_range": 0.02,
              "intermediate_size": 384,
              "max_position_embeddings": 131072,
              "max_window_layers": 28,
              "num_attention_heads": 2,
              "num_hidden_layers": 2,
              "num_key_value_heads": 1,
              "rms_norm_eps": 1e-06,
              "rope_scaling": {
                "rope_type": "yarn",
                "factor": 4.0,
                "original_max_position_embeddings": 32768
              },
              "rope_theta": 1000000,
              "sliding_window": null,
              "tie_word_embeddings": true,
              "torch_dtype": "bfloat16",
              "use_cache": true,
              "use_sliding_window": false,
              "vocab_size": 151936
            }
            """,
    };

    /// <summary>generation_config.json of the R1-Distill-Qwen models (bos is DeepSeek's begin-of-sentence token).</summary>
    private const string QwenDistillGenerationJson = """
        {
          "_from_model_config": true,
          "bos_token_id": 151646,
          "eos_token_id": 151643,
          "do_sample": true,
          "temperature": 0.6,
          "top_p": 0.95,
          "transformers_version": "4.39.3"
        }
        """;

    /// <summary>generation_config.json of the R1-Distill-Llama models.</summary>
    private const string LlamaDistillGenerationJson = """
            {
              "_from_model_config": true,
              "bos_token_id": 128000,
              "eos_token_id": 128001,
              "do_sample": true,
              "temperature": 0.6,
              "top_p": 0.95,
              "transformers_version": "4.43.0.dev0"
            }
            """;

    /// <summary>DeepSeek-R1-Distill-Qwen-1.5B: its public config.json (tests/Fixtures/configs/deepseek-r1-distill-qwen-1.5b).</summary>
    public static SyntheticShape R1DistillQwen1_5B { get; } = new()
    {
        Name = "r1-distill-qwen-1.5b",
        Description = "DeepSeek-R1-Distill-Qwen-1.5B shapes (3.5 GB bf16)",
        ConfigJson = """
            {
              "architectures": [
                "Qwen2ForCausalLM"
              ],
              "attention_dropout": 0.0,
              "bos_token_id": 151643,
              "eos_token_id": 151643,
              "hidden_act": "silu",
              "hidden_size": 1536,
              "initializer_range": 0.02,
              "intermediate_size": 8960,
              "max_position_embeddings": 131072,
              "max_window_layers": 21,
              "model_type": "qwen2",
              "num_attention_heads": 12,
              "num_hidden_layers": 28,
              "num_key_value_heads": 2,
              "rms_norm_eps": 1e-06,
              "rope_theta": 10000,
              "sliding_window": 4096,
              "tie_word_embeddings": false,
              "torch_dtype": "bfloat16",
              "transformers_version": "4.44.0",
              "use_cache": true,
              "use_sliding_window": false,
              "vocab_size": 151936,
              "use_mrope": false
            }
            """,
        GenerationConfigJson = QwenDistillGenerationJson,
    };

    /// <summary>DeepSeek-R1-Distill-Qwen-7B: its public config.json (tests/Fixtures/configs/deepseek-r1-distill-qwen-7b).</summary>
    public static SyntheticShape R1DistillQwen7B { get; } = new()
    {
        Name = "r1-distill-qwen-7b",
        Description = "DeepSeek-R1-Distill-Qwen-7B shapes (15 GB bf16)",
        ConfigJson = """
            {
              "architectures": [
                "Qwen2ForCausalLM"
              ],
              "attention_dropout": 0.0,
              "bos_token_id": 151643,
              "eos_token_id": 151643,
              "hidden_act": "silu",
              "hidden_size": 3584,
              "initializer_range": 0.02,
              "intermediate_size": 18944,
              "max_position_embeddings": 131072,
              "max_window_layers": 28,
              "model_type": "qwen2",
              "num_attention_heads": 28,
              "num_hidden_layers": 28,
              "num_key_value_heads": 4,
              "rms_norm_eps": 1e-06,
              "rope_theta": 10000,
              "sliding_window": 4096,
              "tie_word_embeddings": false,
              "torch_dtype": "bfloat16",
              "transformers_version": "4.44.0",
              "use_cache": true,
              "use_sliding_window": false,
              "vocab_size": 152064,
              "use_mrope": false
            }
            """,
        GenerationConfigJson = QwenDistillGenerationJson,
    };

    /// <summary>DeepSeek-R1-Distill-Qwen-14B: its public config.json (tests/Fixtures/configs/deepseek-r1-distill-qwen-14b).</summary>
    public static SyntheticShape R1DistillQwen14B { get; } = new()
    {
        Name = "r1-distill-qwen-14b",
        Description = "DeepSeek-R1-Distill-Qwen-14B shapes (30 GB bf16)",
        ConfigJson = """
            {
              "architectures": [
                "Qwen2ForCausalLM"
              ],
              "attention_dropout": 0.0,
              "bos_token_id": 151643,
              "eos_token_id": 151643,
              "hidden_act": "silu",
              "hidden_size": 5120,
              "initializer_range": 0.02,
              "intermediate_size": 13824,
              "max_position_embeddings": 131072,
              "max_window_layers": 48,
              "model_type": "qwen2",
              "num_attention_heads": 40,
              "num_hidden_layers": 48,
              "num_key_value_heads": 8,
              "rms_norm_eps": 1e-05,
              "rope_theta": 1000000.0,
              "sliding_window": 131072,
              "tie_word_embeddings": false,
              "torch_dtype": "bfloat16",
              "transformers_version": "4.43.1",
              "use_cache": true,
              "use_sliding_window": false,
              "vocab_size": 152064
            }
            """,
        GenerationConfigJson = QwenDistillGenerationJson,
    };

    /// <summary>DeepSeek-R1-Distill-Qwen-32B: its public config.json (tests/Fixtures/configs/deepseek-r1-distill-qwen-32b).</summary>
    public static SyntheticShape R1DistillQwen32B { get; } = new()
    {
        Name = "r1-distill-qwen-32b",
        Description = "DeepSeek-R1-Distill-Qwen-32B shapes (66 GB bf16)",
        ConfigJson = """
            {
              "architectures": [
                "Qwen2ForCausalLM"
              ],
              "attention_dropout": 0.0,
              "bos_token_id": 151643,
              "eos_token_id": 151643,
              "hidden_act": "silu",
              "hidden_size": 5120,
              "initializer_range": 0.02,
              "intermediate_size": 27648,
              "max_position_embeddings": 131072,
              "max_window_layers": 64,
              "model_type": "qwen2",
              "num_attention_heads": 40,
              "num_hidden_layers": 64,
              "num_key_value_heads": 8,
              "rms_norm_eps": 1e-05,
              "rope_theta": 1000000.0,
              "sliding_window": 131072,
              "tie_word_embeddings": false,
              "torch_dtype": "bfloat16",
              "transformers_version": "4.43.1",
              "use_cache": true,
              "use_sliding_window": false,
              "vocab_size": 152064
            }
            """,
        GenerationConfigJson = QwenDistillGenerationJson,
    };

    /// <summary>DeepSeek-R1-Distill-Llama-8B: its public config.json (tests/Fixtures/configs/deepseek-r1-distill-llama-8b).</summary>
    public static SyntheticShape R1DistillLlama8B { get; } = new()
    {
        Name = "r1-distill-llama-8b",
        Description = "DeepSeek-R1-Distill-Llama-8B shapes (16 GB bf16)",
        ConfigJson = """
            {
              "architectures": [
                "LlamaForCausalLM"
              ],
              "attention_bias": false,
              "attention_dropout": 0.0,
              "bos_token_id": 128000,
              "eos_token_id": 128001,
              "hidden_act": "silu",
              "hidden_size": 4096,
              "initializer_range": 0.02,
              "intermediate_size": 14336,
              "max_position_embeddings": 131072,
              "mlp_bias": false,
              "model_type": "llama",
              "num_attention_heads": 32,
              "num_hidden_layers": 32,
              "num_key_value_heads": 8,
              "pretraining_tp": 1,
              "rms_norm_eps": 1e-05,
              "rope_scaling": {
                "factor": 8.0,
                "high_freq_factor": 4.0,
                "low_freq_factor": 1.0,
                "original_max_position_embeddings": 8192,
                "rope_type": "llama3"
              },
              "rope_theta": 500000.0,
              "tie_word_embeddings": false,
              "torch_dtype": "bfloat16",
              "transformers_version": "4.43.0.dev0",
              "use_cache": true,
              "vocab_size": 128256
            }
            """,
        GenerationConfigJson = LlamaDistillGenerationJson,
    };

    /// <summary>DeepSeek-R1-Distill-Llama-70B: its public config.json (tests/Fixtures/configs/deepseek-r1-distill-llama-70b).</summary>
    public static SyntheticShape R1DistillLlama70B { get; } = new()
    {
        Name = "r1-distill-llama-70b",
        Description = "DeepSeek-R1-Distill-Llama-70B shapes (141 GB bf16)",
        ConfigJson = """
            {
              "architectures": [
                "LlamaForCausalLM"
              ],
              "attention_bias": false,
              "attention_dropout": 0.0,
              "bos_token_id": 128000,
              "eos_token_id": 128001,
              "hidden_act": "silu",
              "hidden_size": 8192,
              "initializer_range": 0.02,
              "intermediate_size": 28672,
              "max_position_embeddings": 131072,
              "mlp_bias": false,
              "model_type": "llama",
              "num_attention_heads": 64,
              "num_hidden_layers": 80,
              "num_key_value_heads": 8,
              "pretraining_tp": 1,
              "rms_norm_eps": 1e-05,
              "rope_scaling": {
                "factor": 8.0,
                "high_freq_factor": 4.0,
                "low_freq_factor": 1.0,
                "original_max_position_embeddings": 8192,
                "rope_type": "llama3"
              },
              "rope_theta": 500000.0,
              "tie_word_embeddings": false,
              "torch_dtype": "bfloat16",
              "transformers_version": "4.47.0.dev0",
              "use_cache": true,
              "vocab_size": 128256
            }
            """,
        GenerationConfigJson = LlamaDistillGenerationJson,
    };

    /// <summary>DeepSeek-R1-0528-Qwen3-8B: its public config.json (tests/Fixtures/configs/deepseek-r1-0528-qwen3-8b).</summary>
    public static SyntheticShape R1_0528Qwen3_8B { get; } = new()
    {
        Name = "r1-0528-qwen3-8b",
        Description = "DeepSeek-R1-0528-Qwen3-8B shapes (16 GB bf16; YaRN RoPE factor 4 over 32768 positions, 131072 in all)",
        ConfigJson = """
            {
              "architectures": [
                "Qwen3ForCausalLM"
              ],
              "attention_bias": false,
              "attention_dropout": 0.0,
              "bos_token_id": 151643,
              "eos_token_id": 151645,
              "head_dim": 128,
              "hidden_act": "silu",
              "hidden_size": 4096,
              "initializer_range": 0.02,
              "intermediate_size": 12288,
              "max_position_embeddings": 131072,
              "max_window_layers": 36,
              "model_type": "qwen3",
              "num_attention_heads": 32,
              "num_hidden_layers": 36,
              "num_key_value_heads": 8,
              "rms_norm_eps": 1e-06,
              "rope_scaling": {
                "rope_type": "yarn",
                "factor": 4.0,
                "original_max_position_embeddings": 32768,
                "attn_factor": 0.8782488562869419
              },
              "rope_theta": 1000000,
              "sliding_window": null,
              "tie_word_embeddings": false,
              "torch_dtype": "bfloat16",
              "transformers_version": "4.51.0",
              "use_cache": true,
              "use_sliding_window": false,
              "vocab_size": 151936
            }
            """,
        GenerationConfigJson = """
            {
              "bos_token_id": 151643,
              "eos_token_id": 151645,
              "do_sample": true,
              "temperature": 0.6,
              "top_p": 0.95
            }
            """,
    };

    public static IReadOnlyList<SyntheticShape> All { get; } =
        [TinyR1Qwen2, TinyLlama31, TinyQwen3, TinyQwen3Yarn, TinyK256, R1DistillQwen1_5B, R1DistillQwen7B, R1DistillQwen14B, R1DistillQwen32B, R1DistillLlama8B, R1DistillLlama70B, R1_0528Qwen3_8B];

    /// <summary>The seven DeepSeek-R1 distills, in the order the docs list them.</summary>
    public static IReadOnlyList<SyntheticShape> Distills { get; } =
        [R1DistillQwen1_5B, R1DistillQwen7B, R1DistillQwen14B, R1DistillQwen32B, R1DistillLlama8B, R1DistillLlama70B, R1_0528Qwen3_8B];

    /// <summary>The shape of that name, or an <see cref="EdgeLlmException"/> listing the known ones.</summary>
    public static SyntheticShape Find(string name)
        => All.FirstOrDefault(shape => string.Equals(shape.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new EdgeLlmException($"unknown shape '{name}' (known: {string.Join(", ", All.Select(shape => shape.Name))})");
}
