using EdgeLLM.Format;
using EdgeLLM.Runtime.Chat;
using EdgeLLM.Runtime.Model;

namespace EdgeLLM.Runtime.Evaluation;

/// <summary>
/// <c>edgellm eval</c>'s work: checks that the two folders share a tokenizer, tokenizes the text with the
/// model's tokenizer, opens each model for one chunk of context and runs <see cref="ModelEvaluator"/>.
/// </summary>
public static class FolderEvaluation
{
    /// <summary>llama-perplexity's default context.</summary>
    public const int DefaultContext = 512;

    public static EvaluationResult Run(EvaluationRequest request, Action<string>? notice = null, IProgress<EvaluationProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Text.Length == 0)
        {
            throw new EdgeLlmException("the text is empty");
        }

        if (request.ReferenceFolder is { } referenceFolder)
        {
            TokenizerIdentity.EnsureSame(request.ModelFolder, referenceFolder);
        }

        int context = request.Context > 0 ? request.Context : Math.Min(DefaultContext, Math.Min(MaxContext(request.ModelFolder), request.ReferenceFolder is null ? int.MaxValue : MaxContext(request.ReferenceFolder)));
        var settings = new SessionSettings { ContextLength = context, Threads = request.Threads, Engine = request.Engine };
        using LoadedModel model = LoadedModel.Open(request.ModelFolder, settings, notice);
        using LoadedModel? reference = request.ReferenceFolder is null ? null : LoadedModel.Open(request.ReferenceFolder, settings, notice);
        PromptBuilder prompts = model.Prompts;
        IReadOnlyList<int> tokens = request.TextIsChatPrompt
            ? prompts.EncodeRendered(prompts.Render([ChatMessage.User(request.Text)], new ChatSettings()))
            : prompts.EncodePlain(request.Text);
        int? bos = prompts.Tokenizer.BeginningOfSequenceId is int id && prompts.Tokenizer.SpecialPrefixIds.Contains(id) ? id : null;
        using var modelLogits = new EngineLogitSource(model.Engine);
        using EngineLogitSource? referenceLogits = reference is null ? null : new EngineLogitSource(reference.Engine);
        return ModelEvaluator.Evaluate(modelLogits, referenceLogits, tokens, new EvaluationOptions { Context = context, MaxChunks = request.MaxChunks, BeginningOfSequenceId = bos }, progress, cancellation);
    }

    private static int MaxContext(string folder) => EdgeLLM.Format.ModelFolder.ModelManifestReader.Read(folder).MaxContext;
}
