using EdgeLLM.Format.Providers;
using EdgeLLM.Format;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Model;
using EdgeLLM.Runtime.Sampling;
using EdgeLLM.Text.Tokenization;

namespace EdgeLLM.Runtime.Chat;

/// <summary>
/// A conversation with one loaded model: renders the model's own chat template, encodes, reuses the
/// KV cache for the part of the prompt it already holds, generates, and streams text split into
/// reasoning and answer. Also runs plain (template-free) completions for the CLI.
/// </summary>
public sealed class ChatSession : IChatSession
{
    private readonly LoadedModel model;
    private readonly Generator generator;
    private readonly List<ChatMessage> history = [];

    private ChatSession(LoadedModel model)
    {
        this.model = model;
        generator = new Generator(model.Engine, model.EndOfSequenceIds);
    }

    public string ModelName => model.Name;

    public string Precision => model.Precision;

    public string ExecutionProvider => model.Engine.ExecutionProvider switch
    {
        Format.Providers.ExecutionProvider.Cuda => "CUDA",
        Format.Providers.ExecutionProvider.DirectML => "DirectML",
        _ => "CPU",
    };

    public string Engine => model.Engine.Name;

    public int Threads => model.Engine.Threads;

    public int ContextLength => model.Engine.ContextLength;

    public int ContextUsed => model.Engine.Position;

    public IReadOnlyList<ChatMessage> History => history;

    /// <summary>The loaded model (tokenizer, template, defaults), for callers that only render or encode.</summary>
    public LoadedModel Model => model;

    public static ChatSession Open(string modelFolder, SessionSettings settings, Action<string>? notice = null)
        => new(LoadedModel.Open(modelFolder, settings, notice));

    public Task<ChatReply> SendAsync(string userMessage, ChatSettings settings, Action<ChatStreamEvent> onText, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(userMessage);
        history.Add(ChatMessage.User(userMessage));
        List<ChatMessage> conversation = [.. history];
        return Task.Run(
            () =>
            {
                ChatReply reply = Respond(conversation, settings, onText, cancellation);
                history.Add(ChatMessage.Assistant(reply.Answer));
                return reply;
            },
            CancellationToken.None);
    }

    /// <summary>Generates the assistant's reply to a whole conversation (history is replaced by it).</summary>
    public ChatReply Complete(IReadOnlyList<ChatMessage> conversation, ChatSettings settings, Action<ChatStreamEvent>? onText, CancellationToken cancellation)
    {
        history.Clear();
        history.AddRange(conversation);
        ChatReply reply = Respond(conversation, settings, onText, cancellation);
        history.Add(ChatMessage.Assistant(reply.Answer));
        return reply;
    }

    /// <summary>Continues plain text (no chat template; the tokenizer's BOS is added): a story prompt, a completion.</summary>
    public ChatReply ContinueText(string text, ChatSettings settings, Action<ChatStreamEvent>? onText, CancellationToken cancellation)
    {
        return Run(model.Prompts.EncodePlain(text), splitter: null, settings, onText, cancellation);
    }

    public void Reset()
    {
        history.Clear();
        model.Engine.Reset();
    }

    public void Dispose() => model.Dispose();

    private ChatReply Respond(IReadOnlyList<ChatMessage> conversation, ChatSettings settings, Action<ChatStreamEvent>? onText, CancellationToken cancellation)
    {
        string rendered = model.Prompts.Render(conversation, settings, cancellation);
        return Run(model.Prompts.EncodeRendered(rendered), ReasoningSplitter.ForPrompt(rendered), settings, onText, cancellation);
    }

    private ChatReply Run(IReadOnlyList<int> promptIds, ReasoningSplitter? splitter, ChatSettings settings, Action<ChatStreamEvent>? onText, CancellationToken cancellation)
    {
        if (promptIds.Count == 0)
        {
            throw new EdgeLlmException("the prompt encodes to no tokens");
        }

        if (promptIds.Count >= ContextLength)
        {
            // Refused before prefill: a prompt that fills the context leaves no room for one new token.
            throw new EdgeLlmException($"the prompt is {promptIds.Count} tokens, and the context holds {ContextLength}: shorten the prompt or raise the context length");
        }

        int reused = generator.ReusablePrefix(promptIds);
        model.Engine.Rewind(reused);

        var sampler = new Sampler(model.SamplingFor(settings), model.Engine.VocabSize);
        var request = new GenerationRequest
        {
            MaxTokens = settings.MaxTokens,
            ReasoningBudget = settings.Think == ThinkMode.Off ? null : settings.ThinkBudget,
            StartsInReasoning = splitter?.Mode == ReasoningKind.Reasoning,
            ReasoningEndTokenId = model.Prompts.ReasoningEndTokenId,
            ReasoningEndIds = model.Prompts.ReasoningEndIds,
        };

        StreamingDetokenizer detokenizer = model.Prompts.Tokenizer.CreateStreamingDetokenizer(skipSpecialTokens: true);
        var text = new System.Text.StringBuilder();
        var reasoning = new System.Text.StringBuilder();
        var answer = new System.Text.StringBuilder();
        void Emit(ReasoningKind kind, string text)
        {
            if (text.Length == 0)
            {
                return;
            }

            (kind == ReasoningKind.Reasoning ? reasoning : answer).Append(text);
            if (kind == ReasoningKind.Reasoning && settings.Think == ThinkMode.Hide)
            {
                return;
            }

            onText?.Invoke(new ChatStreamEvent(kind == ReasoningKind.Reasoning ? ReplyPart.Reasoning : ReplyPart.Answer, text));
        }

        void Push(string piece)
        {
            text.Append(piece);
            if (splitter is null)
            {
                Emit(ReasoningKind.Answer, piece);
                return;
            }

            foreach (ReasoningSegment segment in splitter.Push(piece))
            {
                Emit(segment.Kind, segment.Text);
            }
        }

        int[] suffix = [.. promptIds.Skip(reused)];
        GenerationResult result = generator.Generate(suffix, request, sampler, token => Push(detokenizer.Append(token)), cancellation);
        Push(detokenizer.Flush());
        if (splitter is not null)
        {
            foreach (ReasoningSegment segment in splitter.Flush())
            {
                Emit(segment.Kind, segment.Text);
            }
        }

        return new ChatReply
        {
            Text = text.ToString(),
            Reasoning = reasoning.ToString(),
            Answer = answer.ToString(),
            Generation = result,
            PromptIds = promptIds,
            ContextUsed = model.Engine.Position,
        };
    }
}
