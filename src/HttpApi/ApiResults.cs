using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Serverless.Engine.Api;

namespace Serverless.HttpApi;

/// <summary>The API's answers: JSON bodies (and error bodies) written the same way by both hosts.</summary>
internal static class ApiResults
{
    /// <summary>
    /// Relaxed escaping: definitions and expressions are full of <c>&lt;</c>, <c>&gt;</c>, <c>&amp;</c> and quotes,
    /// and the API answers JSON only, never HTML, so they are written as they are.
    /// </summary>
    private static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The content type of every JSON answer.</summary>
    public const string ContentType = "application/json; charset=utf-8";

    /// <summary><paramref name="body"/> as JSON with <paramref name="statusCode"/>; <paramref name="headers"/> adds headers.</summary>
    public static IResult Json(int statusCode, JsonNode? body, Action<HttpResponse>? headers = null) => new JsonNodeResult(statusCode, body, headers);

    /// <summary>The error body <c>{"error": {type, message, details?}}</c> with the error's status code.</summary>
    public static IResult Error(ApiError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new JsonNodeResult(error.StatusCode, error.ToJson(), null);
    }

    /// <summary>202 without a body.</summary>
    public static IResult Accepted() => Results.StatusCode(StatusCodes.Status202Accepted);

    private sealed class JsonNodeResult(int statusCode, JsonNode? body, Action<HttpResponse>? headers) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = statusCode;
            headers?.Invoke(response);
            response.ContentType = ContentType;
            var bytes = Encoding.UTF8.GetBytes(body is null ? "null" : body.ToJsonString(Options));
            response.ContentLength = bytes.Length;
            await response.Body.WriteAsync(bytes, httpContext.RequestAborted);
        }
    }
}
