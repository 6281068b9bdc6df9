using EdgeLLM.Format.Providers;
using EdgeLLM.Runtime.Chat;
using EdgeLLM.Runtime.Generation;

namespace EdgeLLM.Tui.Tests.Harness;

/// <summary>
/// Test double of <see cref="IChatSession"/> for driving the UI: streams the scripted reasoning and
/// answer pieces with a delay between them, honours cancellation (returns what it had streamed, as
/// the contract says), records every request's settings. Lives in tests only; never shipped.
/// </summary>
internal sealed class ScriptedChatSession : IChatSession
{
    private readonly List<ChatMessage> history = [];
    private readonly object gate = new();

    public ScriptedChatSession(IReadOnlyList<ChatStreamEvent> script, TimeSpan delay)
    {
        Script = script;
        Delay = delay;
    }

    public IReadOnlyList<ChatStreamEvent> Script { get; set; }

    public TimeSpan Delay { get; set; }

    /// <summary>When set, each send waits for this before streaming anything after the first piece (lets a test press Esc mid-reply).</summary>
    public SemaphoreSlim? Gate { get; set; }

    /// <summary>When set, thrown after the first piece (as the engine throws when the KV cache is full).</summary>
    public Exception? Failure { get; set; }

    public List<ChatSettings> Requests { get; } = [];

    public int StreamedPieces { get; private set; }

    public bool SawCancellation { get; private set; }

    public string ModelName => "scripted-model";

    public string Precision => "int4";

    public string ExecutionProvider => "CPU";

    public int Threads => 4;

    public int ContextLength => 2048;

    public int ContextUsed { get; private set; }

    public IReadOnlyList<ChatMessage> History => history;

    public async Task<ChatReply> SendAsync(string userMessage, ChatSettings settings, Action<ChatStreamEvent> onText, CancellationToken cancellation)
    {
        lock (gate)
        {
            Requests.Add(settings);
        }

        var reasoning = new System.Text.StringBuilder();
        var answer = new System.Text.StringBuilder();
        var tokens = new List<int>();
        StopReason stopReason = StopReason.EndOfSequence;
        try
        {
            foreach (ChatStreamEvent piece in Script)
            {
                cancellation.ThrowIfCancellationRequested();
                onText(piece);
                (piece.Part == ReplyPart.Reasoning ? reasoning : answer).Append(piece.Text);
                tokens.Add(tokens.Count);
                StreamedPieces++;
                if (Failure is not null)
                {
                    throw Failure;
                }

                if (Gate is { } waitHere)
                {
                    await waitHere.WaitAsync(cancellation).ConfigureAwait(false);
                }

                await Task.Delay(Delay, cancellation).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            SawCancellation = true;
            stopReason = StopReason.Cancelled;
        }

        int promptTokens = 10 + userMessage.Length;
        ContextUsed += promptTokens + tokens.Count;
        history.Add(ChatMessage.User(userMessage));
        history.Add(ChatMessage.Assistant(answer.ToString()));
        return new ChatReply
        {
            Text = reasoning.ToString() + answer.ToString(),
            Reasoning = reasoning.ToString(),
            Answer = answer.ToString(),
            PromptIds = Enumerable.Range(0, promptTokens).ToList(),
            ContextUsed = ContextUsed,
            Generation = new GenerationResult
            {
                Tokens = tokens,
                StopReason = stopReason,
                PromptTokenCount = promptTokens,
                PrefillSeconds = 0.5,
                TimeToFirstTokenMs = 500,
                DecodeSeconds = 0.25,
                DecodeRunSeconds = 0.2,
            },
        };
    }

    public void Reset()
    {
        history.Clear();
        ContextUsed = 0;
    }

    public void Dispose()
    {
    }
}
