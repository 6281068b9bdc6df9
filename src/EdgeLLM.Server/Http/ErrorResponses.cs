using System.Text.Json;
using EdgeLLM.Server.Protocol;
using Microsoft.AspNetCore.Http;

namespace EdgeLLM.Server.Http;

/// <summary>Writes errors in OpenAI's shape, and turns every failure of a request into one (never a stack trace).</summary>
internal static class ErrorResponses
{
    public static ErrorBody Body(ApiException error) => new(new ErrorDetail(error.Message, error.Type, error.Code)
    {
        NPromptTokens = error.PromptTokens,
        NCtx = error.ContextLength,
    });

    public static async Task WriteAsync(HttpContext context, ApiException error)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.Clear();
        context.Response.StatusCode = error.Status;
        context.Response.ContentType = "application/json";
        if (error.Status == StatusCodes.Status401Unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
        }

        await JsonSerializer.SerializeAsync(context.Response.Body, Body(error), ServerJsonContext.Web.ErrorBody, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Middleware: a request that throws gets its error (ApiException) or a 500 with one line.</summary>
    public static async Task CatchAsync(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (ApiException error)
        {
            await WriteAsync(context, error).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client left; nothing to answer.
        }
        catch (BadHttpRequestException error)
        {
            await WriteAsync(context, new ApiException(error.StatusCode, "invalid_request_error", null, error.Message.ReplaceLineEndings(" "))).ConfigureAwait(false);
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            await WriteAsync(context, new ApiException(StatusCodes.Status500InternalServerError, "server_error", null, error.Message.ReplaceLineEndings(" "))).ConfigureAwait(false);
        }
    }

    public static ApiException Unavailable(string message, string code) => new(StatusCodes.Status503ServiceUnavailable, "unavailable_error", code, message);

    public static Task NotFoundAsync(HttpContext context)
        => WriteAsync(context, new ApiException(StatusCodes.Status404NotFound, "invalid_request_error", "not_found", $"no endpoint {context.Request.Method} {context.Request.Path}: EdgeLLM serves GET /health, GET /v1/models, POST /v1/chat/completions and POST /v1/completions"));
}
