using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Serverless.Engine.Api;

namespace Serverless.Host.Routes;

/// <summary>Writes JSON answers and reads bounded bodies.</summary>
internal static class HttpJson
{
    public static IResult Json(int status, JsonNode? body, Action<HttpResponse>? headers = null) => new JsonNodeResult(status, body, headers);

    public static IResult Error(ApiError error) => new JsonNodeResult(error.StatusCode, error.ToJson(), null);

    /// <summary>Reads the whole body if it is at most <paramref name="limit"/> bytes; null means it is larger (413).</summary>
    public static async Task<byte[]?> ReadBodyAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength is { } length && length > limit)
        {
            return null;
        }

        var reader = request.BodyReader;
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            if (result.Buffer.Length > limit)
            {
                reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                return null;
            }

            if (result.IsCompleted)
            {
                var bytes = result.Buffer.ToArray();
                reader.AdvanceTo(result.Buffer.End);
                return bytes;
            }

            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    private static readonly System.Text.Json.JsonSerializerOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private sealed class JsonNodeResult(int status, JsonNode? body, Action<HttpResponse>? headers) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = status;
            headers?.Invoke(response);
            response.ContentType = "application/json; charset=utf-8";
            var bytes = System.Text.Encoding.UTF8.GetBytes(body is null ? "null" : body.ToJsonString(Options));
            response.ContentLength = bytes.Length;
            await response.Body.WriteAsync(bytes, httpContext.RequestAborted);
        }
    }
}
