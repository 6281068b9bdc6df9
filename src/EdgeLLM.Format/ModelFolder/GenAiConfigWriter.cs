using System.Text.Json;

namespace EdgeLLM.Format.ModelFolder;

/// <summary>Writes <c>genai_config.json</c> (<see cref="GenAiConfig"/>) in the ONNX Runtime GenAI schema for the decoder graph.</summary>
public static class GenAiConfigWriter
{
    public static void Write(Stream stream, GenAiModel config, int contextLength, string modelFileName)
    {
        ArgumentNullException.ThrowIfNull(config);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteStartObject("model");
        if (config.BosTokenId is { } bos)
        {
            json.WriteNumber("bos_token_id", bos);
        }

        json.WriteNumber("context_length", contextLength);
        json.WriteStartObject("decoder");
        json.WriteStartObject("session_options");
        json.WriteString("log_id", "onnxruntime-genai");
        json.WriteStartArray("provider_options");
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteString("filename", modelFileName);
        json.WriteNumber("head_size", config.HeadDim);
        json.WriteNumber("hidden_size", config.HiddenSize);
        json.WriteStartObject("inputs");
        json.WriteString("input_ids", GraphContract.InputIds);
        json.WriteString("attention_mask", GraphContract.AttentionMask);
        json.WriteString("past_key_names", GraphContract.PastKeyFormat);
        json.WriteString("past_value_names", GraphContract.PastValueFormat);
        json.WriteEndObject();
        json.WriteStartObject("outputs");
        json.WriteString("logits", GraphContract.Logits);
        json.WriteString("present_key_names", GraphContract.PresentKeyFormat);
        json.WriteString("present_value_names", GraphContract.PresentValueFormat);
        json.WriteEndObject();
        json.WriteNumber("num_attention_heads", config.HeadCount);
        json.WriteNumber("num_hidden_layers", config.LayerCount);
        json.WriteNumber("num_key_value_heads", config.KvHeadCount);
        json.WriteEndObject();
        WriteEos(json, config.EosTokenIds);
        json.WriteNumber("pad_token_id", config.PadTokenId ?? (config.EosTokenIds.Count > 0 ? config.EosTokenIds[0] : 0));
        json.WriteString("type", config.ModelType);
        json.WriteNumber("vocab_size", config.VocabSize);
        json.WriteEndObject();

        GenerationDefaults generation = config.Generation;
        json.WriteStartObject("search");
        json.WriteNumber("diversity_penalty", 0.0);
        json.WriteBoolean("do_sample", generation.DoSample ?? false);
        json.WriteBoolean("early_stopping", true);
        json.WriteNumber("length_penalty", 1.0);
        json.WriteNumber("max_length", contextLength);
        json.WriteNumber("min_length", 0);
        json.WriteNumber("no_repeat_ngram_size", 0);
        json.WriteNumber("num_beams", 1);
        json.WriteNumber("num_return_sequences", 1);
        json.WriteBoolean("past_present_share_buffer", true);
        json.WriteNumber("repetition_penalty", generation.RepetitionPenalty ?? 1.0);
        json.WriteNumber("temperature", generation.Temperature ?? 1.0);
        json.WriteNumber("top_k", generation.TopK ?? 50);
        json.WriteNumber("top_p", generation.TopP ?? 1.0);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteEos(Utf8JsonWriter json, IReadOnlyList<int> eos)
    {
        if (eos.Count == 1)
        {
            json.WriteNumber("eos_token_id", eos[0]);
            return;
        }

        json.WriteStartArray("eos_token_id");
        foreach (int id in eos)
        {
            json.WriteNumberValue(id);
        }

        json.WriteEndArray();
    }
}
