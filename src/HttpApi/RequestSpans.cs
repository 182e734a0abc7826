using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Serverless.Engine.Telemetry;

namespace Serverless.HttpApi;

/// <summary>The producer spans of requests that hand work to an instance: a start, a raised event.</summary>
internal static class RequestSpans
{
    /// <summary>
    /// Starts a producer span under the caller's context (the server span of the request when the host records one,
    /// otherwise the request's own <c>traceparent</c>); null when nobody records it.
    /// </summary>
    public static Activity? Start(string name, HttpRequest request, in TagList tags)
    {
        var source = WorkflowTelemetry.Current.Source;
        return source.HasListeners()
            ? source.StartActivity(name, ActivityKind.Producer, Activity.Current is null ? CallerContext(request) : default, tags)
            : null;
    }

    /// <summary>The caller's trace context: the current activity's, else the request's W3C headers; default when neither.</summary>
    public static ActivityContext CallerContext(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Activity.Current is { IdFormat: ActivityIdFormat.W3C } current)
        {
            return current.Context;
        }

        return ActivityContext.TryParse(request.Headers.TraceParent.ToString(), request.Headers.TraceState.ToString(), isRemote: true, out var context)
            ? context
            : default;
    }

    /// <summary>Marks a span whose request was refused with <paramref name="status"/>.</summary>
    public static void Refused(Activity? span, int status)
    {
        span?.SetTag(TraceAttributes.ErrorType, status.ToString(System.Globalization.CultureInfo.InvariantCulture));
        span?.SetStatus(ActivityStatusCode.Error);
    }
}
