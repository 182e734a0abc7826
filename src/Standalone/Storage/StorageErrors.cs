using System.Net.Sockets;
using Azure;

namespace Serverless.Standalone.Storage;

/// <summary>What a storage failure means for the caller.</summary>
internal static class StorageErrors
{
    public static bool IsConflict(RequestFailedException ex) => ex.Status is 409 or 412;

    public static bool IsNotFound(RequestFailedException ex) => ex.Status == 404;

    /// <summary>
    /// True when storage could not be reached or said it cannot serve now: no answer (connection refused or reset, a
    /// network timeout) or 408, 500, 502, 503, 504, also when the SDK gave up after its own retries
    /// (an <see cref="AggregateException"/> of such failures). The same request can succeed later; nothing about the
    /// request or the data is wrong.
    /// </summary>
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        RequestFailedException failed => failed.Status is 0 or 408 or 500 or 502 or 503 or 504,
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsUnavailable),
        HttpRequestException or SocketException or IOException or TimeoutException => true,

        // The SDK reports its network timeout as a cancellation caused by a TimeoutException.
        OperationCanceledException { InnerException: TimeoutException } => true,
        _ => false,
    };
}
