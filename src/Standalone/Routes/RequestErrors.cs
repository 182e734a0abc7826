using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using Serverless.Engine.Api;
using Serverless.HttpApi;
using Serverless.Standalone.Storage;

namespace Serverless.Standalone.Routes;

/// <summary>
/// Answers a request whose handling threw, in the API's error shape: 413 for an oversized body, 400 for a body that
/// cannot be read, 409 for a state a
/// newer engine wrote, 503 <c>StorageUnavailable</c> with <c>Retry-After</c> while Azure Storage does not answer, and
/// 500 for anything else (a bug: the log has the details, the answer only the exception's type).
/// </summary>
internal static class RequestErrors
{
    /// <summary>The <c>error.type</c> of a request refused because Azure Storage does not answer (503).</summary>
    public const string StorageUnavailable = "StorageUnavailable";

    /// <summary>The <c>Retry-After</c> of a 503 <see cref="StorageUnavailable"/> answer, in seconds.</summary>
    public const int StorageRetryAfterSeconds = 5;

    public static async Task WriteAsync(HttpContext context)
    {
        var exception = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Serverless.Host.Requests");
        if (exception is not null && StorageErrors.IsUnavailable(exception))
        {
            var problem = context.RequestServices.GetRequiredService<StorageAvailability>().Problem?.ToString()
                ?? $"Azure Storage did not answer ({StorageAvailability.Describe(exception)})";
            Log.RequestRefusedStorageUnavailable(logger, context.Request.Method, context.Request.Path, problem);
            var unavailable = new ApiError(503, StorageUnavailable,
                $"{problem}. The request could not be served; try again in {StorageRetryAfterSeconds} s (GET /healthz says when storage answers again).");
            await ApiResults.Json(503, unavailable.ToJson(), r => r.Headers.RetryAfter = StorageRetryAfterSeconds.ToString(CultureInfo.InvariantCulture))
                .ExecuteAsync(context);
            return;
        }

        if (exception is not null)
        {
            Log.RequestFailed(logger, context.Request.Method, context.Request.Path, exception);
        }

        var error = exception switch
        {
            BadHttpRequestException { StatusCode: 413 } => ApiError.TooLarge(StandaloneHost.MaxRequestBodyBytes),
            BadHttpRequestException bad => new ApiError(bad.StatusCode, ApiErrorTypes.BadRequest, $"The request cannot be read: {bad.Message}"),

            // A state a newer engine wrote: refused, not replayed, and the client is told why.
            IncompatibleStateException incompatible => ApiError.Conflict(incompatible.Message),
            _ => new ApiError(500, ApiErrorTypes.InternalError, $"The host failed to serve this request ({exception?.GetType().Name}); see its log."),
        };
        await ApiResults.Error(error).ExecuteAsync(context);
    }
}
