using System.Text.Json;
using System.Threading.Channels;
using EdgeLLM.Format;
using EdgeLLM.Server.Engine;
using EdgeLLM.Server.Protocol;
using Microsoft.AspNetCore.Http;

namespace EdgeLLM.Server.Http;

/// <summary>
/// POST /v1/chat/completions and POST /v1/completions: read and check the request, wait for the model in the
/// queue, prepare the prompt (a 400 before any byte is sent when it does not fit), then generate, whole or streamed.
/// A client that leaves cancels its generation at once (the queue turn is released only once the model is free).
/// </summary>
internal sealed class CompletionEndpoints(ServerState state)
{
    public async Task ChatAsync(HttpContext context)
    {
        ChatCompletionRequest request = await RequestReader.ReadAsync(context.Request, ServerJsonContext.Web.ChatCompletionRequest, state.Options.MaxBodyBytes, context.RequestAborted).ConfigureAwait(false);
        CompletionJob job = RequestReader.ChatJob(request, state.Options.SplitReasoning);
        await RunAsync(context, job, RequestReader.Streams(request), RequestReader.StreamsUsage(request), chat: true).ConfigureAwait(false);
    }

    public async Task TextAsync(HttpContext context)
    {
        CompletionRequest request = await RequestReader.ReadAsync(context.Request, ServerJsonContext.Web.CompletionRequest, state.Options.MaxBodyBytes, context.RequestAborted).ConfigureAwait(false);
        CompletionJob job = RequestReader.TextJob(request);
        await RunAsync(context, job, RequestReader.Streams(request), RequestReader.StreamsUsage(request), chat: false).ConfigureAwait(false);
    }

    private async Task RunAsync(HttpContext context, CompletionJob job, bool stream, bool includeUsage, bool chat)
    {
        ModelRunner runner = state.Runner ?? throw ErrorResponses.Unavailable("the model is still loading; retry when GET /health says ok", "loading");
        if (job.MaxTokens > runner.ContextLength)
        {
            throw ApiException.Invalid($"'max_tokens' is {job.MaxTokens}, more than the server's whole context of {runner.ContextLength} tokens");
        }

        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, state.Stopping.Token);
        CancellationToken token = lifetime.Token;
        IDisposable turn;
        try
        {
            turn = await state.Queue.EnterAsync(token).ConfigureAwait(false);
        }
        catch (QueueFullException full)
        {
            throw new ApiException(StatusCodes.Status429TooManyRequests, "rate_limit_error", "queue_full", full.Message);
        }
        catch (OperationCanceledException) when (state.Stopping.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
        {
            throw ShuttingDown();
        }

        using (turn)
        {
            PreparedPrompt prompt = Prepare(runner, job);
            var reply = new ReplyFormat(chat, state.Options.ModelId);
            if (!stream)
            {
                CompletionOutcome whole = await Task.Run(() => runner.Run(prompt, null, token), CancellationToken.None).ConfigureAwait(false);
                if (whole.FinishReason == FinishReason.Cancelled)
                {
                    throw context.RequestAborted.IsCancellationRequested ? new OperationCanceledException(context.RequestAborted) : ShuttingDown();
                }

                context.Response.ContentType = "application/json";
                await reply.WriteWholeAsync(context.Response, whole, context.RequestAborted).ConfigureAwait(false);
                return;
            }

            var sse = new ServerSentEvents(context.Response);
            await sse.StartAsync(token).ConfigureAwait(false);
            await reply.StartAsync(sse, token).ConfigureAwait(false);
            var pieces = Channel.CreateUnbounded<CompletionPiece>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
            Task<CompletionOutcome> generation = Task.Run(
                () =>
                {
                    try
                    {
                        return runner.Run(prompt, piece => pieces.Writer.TryWrite(piece), token);
                    }
                    finally
                    {
                        pieces.Writer.TryComplete();
                    }
                },
                CancellationToken.None);
            try
            {
                await foreach (CompletionPiece piece in pieces.Reader.ReadAllAsync(token).ConfigureAwait(false))
                {
                    await reply.PieceAsync(sse, piece, token).ConfigureAwait(false);
                }
            }
            catch (Exception exception) when (exception is OperationCanceledException or IOException or ObjectDisposedException)
            {
                // The client left (or the server stops): stop the model now, then free the queue.
                await lifetime.CancelAsync().ConfigureAwait(false);
            }

            CompletionOutcome outcome = await generation.ConfigureAwait(false);
            if (outcome.FinishReason == FinishReason.Cancelled)
            {
                if (!context.RequestAborted.IsCancellationRequested)
                {
                    await sse.WriteAsync(ErrorResponses.Body(ShuttingDown()), ServerJsonContext.Web.ErrorBody, context.RequestAborted).ConfigureAwait(false);
                }

                return;
            }

            await reply.FinishAsync(sse, outcome, includeUsage, context.RequestAborted).ConfigureAwait(false);
            await sse.DoneAsync(context.RequestAborted).ConfigureAwait(false);
        }
    }

    private static PreparedPrompt Prepare(ModelRunner runner, CompletionJob job)
    {
        try
        {
            return runner.Prepare(job);
        }
        catch (PromptTooLongException tooLong)
        {
            throw new ApiException(StatusCodes.Status400BadRequest, "exceed_context_size_error", "exceed_context_size_error", tooLong.Message)
            {
                PromptTokens = tooLong.PromptTokens,
                ContextLength = tooLong.ContextLength,
            };
        }
        catch (Exception exception) when (exception is EdgeLlmException or ArgumentException or InvalidOperationException or FormatException)
        {
            // A template that cannot render these messages, or a prompt that encodes to nothing.
            throw ApiException.Invalid(exception.Message.ReplaceLineEndings(" "));
        }
    }

    private static ApiException ShuttingDown() => ErrorResponses.Unavailable("the server is shutting down", "shutting_down");

    /// <summary>The JSON objects of one reply, chat (chat.completion[.chunk]) or text (text_completion).</summary>
    private sealed class ReplyFormat(bool chat, string model)
    {
        private readonly string id = (chat ? "chatcmpl-" : "cmpl-") + Guid.NewGuid().ToString("N");
        private readonly long created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        public Task StartAsync(ServerSentEvents sse, CancellationToken cancellation)
            => chat ? sse.WriteAsync(Chunk(new ChunkDelta { Role = "assistant", Content = string.Empty }, null), ServerJsonContext.Web.ChatCompletionChunk, cancellation) : Task.CompletedTask;

        public Task PieceAsync(ServerSentEvents sse, CompletionPiece piece, CancellationToken cancellation)
            => chat
                ? sse.WriteAsync(Chunk(piece.IsReasoning ? new ChunkDelta { ReasoningContent = piece.Text } : new ChunkDelta { Content = piece.Text }, null), ServerJsonContext.Web.ChatCompletionChunk, cancellation)
                : sse.WriteAsync(Text(piece.Text, null), ServerJsonContext.Web.TextCompletion, cancellation);

        public async Task FinishAsync(ServerSentEvents sse, CompletionOutcome outcome, bool includeUsage, CancellationToken cancellation)
        {
            string finish = FinishName(outcome.FinishReason);
            if (chat)
            {
                await sse.WriteAsync(Chunk(new ChunkDelta(), finish), ServerJsonContext.Web.ChatCompletionChunk, cancellation).ConfigureAwait(false);
                if (includeUsage)
                {
                    await sse.WriteAsync(new ChatCompletionChunk(id, "chat.completion.chunk", created, model, []) { Usage = UsageOf(outcome) }, ServerJsonContext.Web.ChatCompletionChunk, cancellation).ConfigureAwait(false);
                }

                return;
            }

            await sse.WriteAsync(Text(string.Empty, finish), ServerJsonContext.Web.TextCompletion, cancellation).ConfigureAwait(false);
            if (includeUsage)
            {
                await sse.WriteAsync(new TextCompletion(id, "text_completion", created, model, []) { Usage = UsageOf(outcome) }, ServerJsonContext.Web.TextCompletion, cancellation).ConfigureAwait(false);
            }
        }

        public Task WriteWholeAsync(HttpResponse response, CompletionOutcome outcome, CancellationToken cancellation)
        {
            string finish = FinishName(outcome.FinishReason);
            if (!chat)
            {
                var text = new TextCompletion(id, "text_completion", created, model, [new TextChoice(0, outcome.Content) { FinishReason = finish }]) { Usage = UsageOf(outcome) };
                return JsonSerializer.SerializeAsync(response.Body, text, ServerJsonContext.Web.TextCompletion, cancellation);
            }

            var message = new AssistantMessage("assistant", outcome.Content) { ReasoningContent = outcome.Reasoning.Length > 0 ? outcome.Reasoning : null };
            var completion = new ChatCompletion(id, "chat.completion", created, model, [new ChatChoice(0, message, finish)], UsageOf(outcome));
            return JsonSerializer.SerializeAsync(response.Body, completion, ServerJsonContext.Web.ChatCompletion, cancellation);
        }

        private static Usage UsageOf(CompletionOutcome outcome)
            => new(outcome.PromptTokens, outcome.CompletionTokens, outcome.PromptTokens + outcome.CompletionTokens, new PromptTokensDetails(outcome.CachedTokens));

        private static string FinishName(FinishReason reason) => reason == FinishReason.Length ? "length" : "stop";

        private ChatCompletionChunk Chunk(ChunkDelta delta, string? finish)
            => new(id, "chat.completion.chunk", created, model, [new ChunkChoice(0, delta) { FinishReason = finish }]);

        private TextCompletion Text(string text, string? finish)
            => new(id, "text_completion", created, model, [new TextChoice(0, text) { FinishReason = finish }]);
    }
}
