using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Engine.Api;
using Serverless.Engine.Telemetry;

namespace Serverless.HttpApi;

/// <summary>
/// The Durable instance routes: status, list, raise event, terminate, suspend, resume and purge. The standalone host
/// maps them under <c>/runtime/webhooks/durabletask/instances</c> (the Durable Functions extension serves those on
/// Azure Functions) and both hosts map them under <c>/api/instances</c>, so every route answers the same query with
/// the same codes, headers, texts and continuation tokens.
/// </summary>
internal static partial class InstanceHandlers
{
    /// <summary>The header that carries the list's continuation token, both ways, as in Durable Functions.</summary>
    public const string ContinuationTokenHeader = "x-ms-continuation-token";

    /// <summary>
    /// <c>GET .../instances/{id}[?showInput=&amp;showHistory=&amp;showHistoryOutput=&amp;waitForChange=&amp;timeout=]</c>:
    /// the status object; 200 once the instance is final, 202 with <c>Location</c> and <c>Retry-After</c> while it is
    /// not; 400 for a bad flag, 404 unknown (at once, also with <c>waitForChange</c>). With <c>waitForChange</c> the
    /// answer waits for the instance's <c>lastUpdatedTime</c> to differ, or for <c>timeout</c> (<see cref="StatusWait"/>),
    /// on the <see cref="TimeProvider"/> of the request's services (the system's without one). <paramref name="statusUri"/> builds the <c>Location</c> for the request and the id; null points it at
    /// the request's own URL, as Durable Functions' status route does (so a client polls the route, base URL and key it
    /// used).
    /// </summary>
    public static async Task<IResult> StatusAsync(
        string id, HttpRequest request, IInstanceBackend backend, WorkflowApiOptions options, Func<HttpRequest, string, string>? statusUri, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(options);
        if (ApiValidation.CheckRouteValue(id, "id") is { } routeError)
        {
            return ApiResults.Error(routeError);
        }

        if (StatusQuery.TryParse(request, out var show) is { } queryError)
        {
            return ApiResults.Error(queryError);
        }

        if (StatusWait.TryParse(request, out var wait) is { } waitError)
        {
            return ApiResults.Error(waitError);
        }

        var answer = !ApiValidation.IsPossibleInstanceId(id) ? null
            : wait is null ? await backend.GetStatusAsync(id, show, cancellationToken)
            : await wait.WaitAsync(backend, id, show, request.HttpContext.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System, cancellationToken);
        if (answer is null)
        {
            return ApiResults.Error(ApiError.NotFound($"Instance '{ApiValidation.Shorten(id)}' does not exist."));
        }

        if (answer.IsFinal)
        {
            return ApiResults.Json(StatusCodes.Status200OK, answer.Status);
        }

        var location = statusUri?.Invoke(request, id) ?? request.GetEncodedUrl();
        var retryAfter = options.StatusRetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return ApiResults.Json(StatusCodes.Status202Accepted, answer.Status, response =>
        {
            response.Headers.Location = location;
            response.Headers.RetryAfter = retryAfter;
        });
    }

    /// <summary>
    /// <c>GET .../instances?runtimeStatus=&amp;createdTimeFrom=&amp;createdTimeTo=&amp;instanceIdPrefix=&amp;top=</c> (and
    /// the status flags): one page of status objects, with <c>x-ms-continuation-token</c> when more may remain; 400 for
    /// a bad parameter or a continuation token this host did not issue for this query.
    /// </summary>
    public static async Task<IResult> ListAsync(HttpRequest request, IInstanceBackend backend, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(backend);
        if (InstanceQuery.TryParse(
            RequestBodies.Query(request, "runtimeStatus"),
            RequestBodies.Query(request, "createdTimeFrom"),
            RequestBodies.Query(request, "createdTimeTo"),
            RequestBodies.Query(request, "instanceIdPrefix"),
            RequestBodies.Query(request, "top"),
            out var query) is { } error)
        {
            return ApiResults.Error(error);
        }

        if (StatusQuery.TryParse(request, out var show) is { } queryError)
        {
            return ApiResults.Error(queryError);
        }

        var token = request.Headers[ContinuationTokenHeader].ToString();
        if (await backend.ListAsync(query, string.IsNullOrEmpty(token) ? null : token, show, cancellationToken) is not { } page)
        {
            return ApiResults.Error(ApiError.Invalid(ContinuationTokenHeader, "The continuation token is not one this host issued for this query."));
        }

        return ApiResults.Json(StatusCodes.Status200OK, new JsonArray([.. page.Items]), response =>
        {
            if (page.ContinuationToken is { } next)
            {
                response.Headers[ContinuationTokenHeader] = next;
            }
        });
    }

    /// <summary>
    /// <c>POST .../instances/{id}/raiseEvent/{eventName}</c> with a JSON body: 202 once the event is durable; 400, 413
    /// or 415 for the route values or body, 404 unknown, 410 final, 429 when the standalone host's queue is full.
    /// </summary>
    public static async Task<IResult> RaiseEventAsync(
        string id, string eventName, HttpRequest request, IInstanceBackend backend, WorkflowApiOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(options);
        if ((ApiValidation.CheckRouteValue(id, "id") ?? ApiValidation.CheckEventName(eventName)) is { } routeError)
        {
            return ApiResults.Error(routeError);
        }

        var body = await RequestBodies.ReadJsonAsync(request, options.MaxPayloadBytes, cancellationToken);
        if (body.Error is { } bodyError)
        {
            return ApiResults.Error(bodyError);
        }

        using var span = RequestSpans.Start(
            $"raise {eventName}", request, new() { { TraceAttributes.InstanceId, id }, { TraceAttributes.EventName, eventName } });
        var error = ApiValidation.IsPossibleInstanceId(id)
            ? await backend.RaiseEventAsync(id, eventName, body.Value, cancellationToken)
            : InstanceErrors.NotFound(id);
        if (error is not null)
        {
            RequestSpans.Refused(span, error.StatusCode);
        }

        return Signaled(error);
    }

    /// <summary><c>POST .../instances/{id}/terminate[?reason=]</c>: 202; 404 unknown; 410 final. Its children go on.</summary>
    public static Task<IResult> TerminateAsync(string id, HttpRequest request, IInstanceBackend backend, CancellationToken cancellationToken)
        => SignalAsync(id, request, backend, (b, reason) => b.TerminateAsync(id, reason, cancellationToken));

    /// <summary><c>POST .../instances/{id}/suspend[?reason=]</c>: 202; 404 unknown; 410 final.</summary>
    public static Task<IResult> SuspendAsync(string id, HttpRequest request, IInstanceBackend backend, CancellationToken cancellationToken)
        => SignalAsync(id, request, backend, (b, reason) => b.SuspendAsync(id, reason, cancellationToken));

    /// <summary><c>POST .../instances/{id}/resume[?reason=]</c>: 202; 404 unknown; 410 final.</summary>
    public static Task<IResult> ResumeAsync(string id, HttpRequest request, IInstanceBackend backend, CancellationToken cancellationToken)
        => SignalAsync(id, request, backend, (b, reason) => b.ResumeAsync(id, reason, cancellationToken));

    /// <summary><c>DELETE .../instances/{id}</c>: 200 <c>{instancesDeleted: 1}</c>; 404 unknown; 409 while not final.</summary>
    public static async Task<IResult> PurgeAsync(string id, IInstanceBackend backend, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(backend);
        if (ApiValidation.CheckRouteValue(id, "id") is { } routeError)
        {
            return ApiResults.Error(routeError);
        }

        var error = ApiValidation.IsPossibleInstanceId(id) ? await backend.PurgeAsync(id, cancellationToken) : InstanceErrors.NotFound(id);
        return error is not null
            ? ApiResults.Error(error)
            : ApiResults.Json(StatusCodes.Status200OK, new JsonObject { ["instancesDeleted"] = 1 });
    }

    // Terminate, suspend and resume: the id, then the backend; the reason is free text, taken as it is.
    private static async Task<IResult> SignalAsync(string id, HttpRequest request, IInstanceBackend backend, Func<IInstanceBackend, string?, Task<ApiError?>> signal)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(backend);
        if (ApiValidation.CheckRouteValue(id, "id") is { } routeError)
        {
            return ApiResults.Error(routeError);
        }

        return Signaled(ApiValidation.IsPossibleInstanceId(id) ? await signal(backend, RequestBodies.Query(request, "reason")) : InstanceErrors.NotFound(id));
    }

    private static IResult Signaled(ApiError? error) => error is null ? ApiResults.Accepted() : ApiResults.Error(error);
}
