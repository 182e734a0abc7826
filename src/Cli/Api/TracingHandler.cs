using System.Diagnostics;
using System.Globalization;
using Serverless.Engine.Telemetry;

namespace Serverless.Cli.Api;

/// <summary>
/// Wraps every API call in an OpenTelemetry client span (stable HTTP attributes, no query string) from the engine's
/// source, and sends its W3C <c>traceparent</c>: the host's spans of the call, and of an instance it starts, join the
/// command's trace.
/// </summary>
internal sealed class TracingHandler : DelegatingHandler
{
    public TracingHandler(HttpMessageHandler inner)
        : base(inner)
    {
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var span = WorkflowTelemetry.Source.StartActivity(request.Method.Method, ActivityKind.Client);
        if (span is null)
        {
            return await base.SendAsync(request, cancellationToken);
        }

        var uri = request.RequestUri!;
        span.SetTag("http.request.method", request.Method.Method);
        span.SetTag("url.full", uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped));
        span.SetTag("server.address", uri.Host);
        span.SetTag("server.port", uri.Port);
        request.Headers.Remove("traceparent");
        request.Headers.TryAddWithoutValidation("traceparent", span.Id);
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            var status = (int)response.StatusCode;
            span.SetTag("http.response.status_code", status);
            if (status >= 400)
            {
                span.SetTag(TraceAttributes.ErrorType, status.ToString(CultureInfo.InvariantCulture));
                span.SetStatus(ActivityStatusCode.Error);
            }

            return response;
        }
        catch (Exception ex)
        {
            span.SetTag(TraceAttributes.ErrorType, ex.GetType().FullName);
            span.SetStatus(ActivityStatusCode.Error, ex.Message);
            throw;
        }
    }
}
