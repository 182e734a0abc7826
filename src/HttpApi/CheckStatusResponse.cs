using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Serverless.Engine.Api;

namespace Serverless.HttpApi;

/// <summary>The 202 answer of a start: the Durable check-status payload and the <c>Location</c> header.</summary>
/// <param name="Payload"><c>{id, statusQueryGetUri, sendEventPostUri, terminatePostUri, purgeHistoryDeleteUri, suspendPostUri, resumePostUri}</c>.</param>
/// <param name="Location">The status URI.</param>
internal sealed record CheckStatusResponse(JsonObject Payload, string Location)
{
    /// <summary>
    /// The payload of <see cref="CheckStatusPayload"/> rooted at the request's own base URL (scheme, host and path
    /// base), with <c>taskHub</c>, <c>connection</c> and <c>code</c> in the query where given.
    /// </summary>
    public static CheckStatusResponse FromRequest(HttpRequest request, string instanceId, string? taskHub = null, string? connection = null, string? code = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var baseUri = BaseUri(request);
        return new CheckStatusResponse(
            CheckStatusPayload.Build(baseUri, instanceId, taskHub, connection, code),
            CheckStatusPayload.StatusUri(baseUri, instanceId, taskHub, connection, code));
    }

    /// <summary>Scheme, host and path base of <paramref name="request"/>, e.g. <c>http://127.0.0.1:7071</c>.</summary>
    public static string BaseUri(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return $"{request.Scheme}://{request.Host}{request.PathBase}";
    }
}
