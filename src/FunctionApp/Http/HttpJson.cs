using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Azure.Functions.Worker.Http;
using Serverless.Engine.Api;

namespace Serverless.FunctionApp.Http;

/// <summary>JSON responses and error bodies, the same shape as the standalone host's.</summary>
internal static class HttpJson
{
    public static async Task<HttpResponseData> JsonAsync(HttpRequestData request, HttpStatusCode status, JsonNode? body)
    {
        var response = request.CreateResponse(status);
        response.Headers.Add("Content-Type", "application/json; charset=utf-8");
        await response.WriteStringAsync(body?.ToJsonString() ?? "null");
        return response;
    }

    public static Task<HttpResponseData> ErrorAsync(HttpRequestData request, ApiError error)
        => JsonAsync(request, (HttpStatusCode)error.StatusCode, error.ToJson());

    public static string Shorten(string? value) => value is null ? string.Empty : value.Length <= 80 ? value : value[..80] + "...";
}
