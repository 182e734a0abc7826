using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Serverless.Engine.Api;

namespace Serverless.Standalone.Routes;

/// <summary>
/// The request line and header limits, enforced twice: by this host, which answers a request over them with an error
/// body (414, 431), and by Kestrel at twice the size, which answers before any middleware runs and so with an empty body.
/// The gap between the two is what lets a client see why an oversized request was refused.
/// </summary>
internal static class RequestLimits
{
    /// <summary>Most headers a request may have; Kestrel refuses more than twice as many.</summary>
    public const int MaxHeaderCount = 100;

    /// <summary>Kestrel's own limits: twice this host's, plus header values read as Latin-1.</summary>
    public static void ConfigureKestrel(KestrelServerOptions kestrel, int maxTargetBytes, int maxHeadersBytes)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        kestrel.Limits.MaxRequestLineSize = 2 * maxTargetBytes;
        kestrel.Limits.MaxRequestHeadersTotalSize = 2 * maxHeadersBytes;
        kestrel.Limits.MaxRequestHeaderCount = 2 * MaxHeaderCount;

        // RFC 9110 lets a field value carry bytes beyond ASCII (obs-text), which Kestrel refuses by default with an empty
        // 400. No header the API reads is text, so they reach the route as Latin-1 and are judged there like any value.
        kestrel.RequestHeaderEncodingSelector = _ => System.Text.Encoding.Latin1;
    }

    /// <summary>The error for a request over the limits, or null.</summary>
    public static ApiError? Check(HttpContext context, int maxTargetBytes, int maxHeadersBytes)
    {
        ArgumentNullException.ThrowIfNull(context);
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? string.Empty;
        if (target.Length > maxTargetBytes)
        {
            return new ApiError(
                StatusCodes.Status414UriTooLong,
                ApiErrorTypes.UriTooLong,
                $"The request target (path and query) has {target.Length} bytes; the limit is {maxTargetBytes} (Host:MaxRequestTargetBytes).");
        }

        var count = 0;
        var bytes = 0L;
        foreach (var (name, values) in context.Request.Headers)
        {
            foreach (var value in values)
            {
                count++;
                bytes += name.Length + (value?.Length ?? 0) + 4;
            }
        }

        if (count > MaxHeaderCount)
        {
            return new ApiError(
                StatusCodes.Status431RequestHeaderFieldsTooLarge,
                ApiErrorTypes.RequestHeadersTooLarge,
                $"The request has {count} headers; the limit is {MaxHeaderCount}.");
        }

        return bytes > maxHeadersBytes
            ? new ApiError(
                StatusCodes.Status431RequestHeaderFieldsTooLarge,
                ApiErrorTypes.RequestHeadersTooLarge,
                $"The request's headers have {bytes} bytes; the limit is {maxHeadersBytes} (Host:MaxRequestHeadersBytes).")
            : null;
    }
}
