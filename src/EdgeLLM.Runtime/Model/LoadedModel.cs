using EdgeLLM.Format.ModelFolder;
using EdgeLLM.Format.Providers;
using EdgeLLM.Format;
using EdgeLLM.Runtime.Chat;
using EdgeLLM.Runtime.Engines;
using EdgeLLM.Runtime.Sampling;
using EdgeLLM.Text.Tokenization;

namespace EdgeLLM.Runtime.Model;

/// <summary>
/// An EdgeLLM model folder opened for generation: its manifest checked, the ONNX Runtime session with
/// its KV cache, the tokenizer, the chat template, end-of-sequence ids and sampling defaults.
/// </summary>
public sealed class LoadedModel : IDisposable
{
    private LoadedModel(string folder, ModelManifestInfo manifest, IDecoderEngine engine, PromptBuilder prompts, IReadOnlyList<int> endOfSequenceIds, GenerationDefaults defaults)
    {
        Folder = folder;
        Manifest = manifest;
        Engine = engine;
        Prompts = prompts;
        EndOfSequenceIds = endOfSequenceIds;
        GenerationDefaults = defaults;
    }

    public string Folder { get; }

    /// <summary>The folder's name, shown as the model's name.</summary>
    public string Name => Path.GetFileName(Path.TrimEndingDirectorySeparator(Folder));

    public ModelManifestInfo Manifest { get; }

    public string Precision => Manifest.Precision;

    /// <summary>The engine that runs the decoder (ONNX Runtime or EdgeLLM's CPU engine).</summary>
    public IDecoderEngine Engine { get; }

    /// <summary>The tokenizer and chat template.</summary>
    public PromptBuilder Prompts { get; }

    public IReadOnlyList<int> EndOfSequenceIds { get; }

    public GenerationDefaults GenerationDefaults { get; }

    public static LoadedModel Open(string folder, SessionSettings settings, Action<string>? notice = null)
    {
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"model folder '{folder}' not found");
        }

        ModelManifestInfo manifest = ModelFolderVerifier.Check(folder, settings.VerifyChecksums);
        if (manifest.Target != "cpu" && settings.ExecutionProvider != ExecutionProvider.DirectML)
        {
            // The DirectML variant (fp16 KV cache and logits, accuracy_level 0) runs anywhere, but the CPU kernels are slower on it.
            notice?.Invoke($"'{Path.GetFileName(Path.TrimEndingDirectorySeparator(folder))}' is the {manifest.Target} target variant (fp16, for DirectML); on {settings.ExecutionProvider} a conversion for the cpu target is faster");
        }

        int contextLength = settings.ContextLength > 0 ? settings.ContextLength : manifest.MaxContext;
        if (contextLength > manifest.MaxContext)
        {
            throw new EdgeLlmException($"context {contextLength} is larger than this model's {manifest.MaxContext} (its maximum context, set at conversion)");
        }

        PromptBuilder prompts = PromptBuilder.Load(folder);
        GenerationDefaults defaults = GenerationDefaults.Load(folder);
        IReadOnlyList<int> eos = ReadEndOfSequenceIds(folder, prompts.Tokenizer);
        IDecoderEngine engine = DecoderEngines.Open(folder, contextLength, settings, notice);
        return new LoadedModel(folder, manifest, engine, prompts, eos, defaults);
    }

    /// <summary>The model's sampling defaults with the request's explicit choices on top.</summary>
    public SamplingSettings SamplingFor(ChatSettings settings)
    {
        SamplingSettings sampling = SamplingSettings.FromGenerationDefaults(GenerationDefaults, settings.Seed);
        if (settings.Temperature is { } temperature)
        {
            sampling = sampling with { Temperature = temperature };
        }

        if (settings.TopP is { } topP)
        {
            sampling = sampling with { TopP = topP };
        }

        if (settings.TopK is { } topK)
        {
            sampling = sampling with { TopK = topK };
        }

        if (settings.MinP is { } minP)
        {
            sampling = sampling with { MinP = minP };
        }

        if (settings.RepetitionPenalty is { } penalty)
        {
            sampling = sampling with { RepetitionPenalty = penalty };
        }

        return sampling;
    }

    public void Dispose() => Engine.Dispose();

    /// <summary>genai_config.json's end-of-sequence ids, or the tokenizer's when it names none.</summary>
    private static IReadOnlyList<int> ReadEndOfSequenceIds(string folder, TextTokenizer tokenizer)
    {
        IReadOnlyList<int> ids = GenAiConfig.ReadEndOfSequenceIds(folder);
        return ids.Count == 0 && tokenizer.EndOfSequenceId is int fallback ? [fallback] : ids;
    }
}
