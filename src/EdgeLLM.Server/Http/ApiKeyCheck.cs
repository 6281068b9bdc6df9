using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace EdgeLLM.Server.Http;

/// <summary>With a key set, every request but GET /health must send "Authorization: Bearer KEY" (compared in constant time).</summary>
internal sealed class ApiKeyCheck(string key)
{
    private readonly byte[] expected = Encoding.UTF8.GetBytes(key);

    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (context.Request.Path.Equals("/health", StringComparison.Ordinal) || HttpMethods.IsOptions(context.Request.Method))
        {
            return next(context);
        }

        string header = context.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[scheme.Length..].Trim()), expected))
        {
            return next(context);
        }

        string message = header.Length == 0 ? "no API key: send 'Authorization: Bearer <key>'" : "the API key is not correct";
        return ErrorResponses.WriteAsync(context, new ApiException(StatusCodes.Status401Unauthorized, "authentication_error", "invalid_api_key", message));
    }
}
