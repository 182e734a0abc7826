namespace Serverless.Engine.Api;

/// <summary>The <c>type</c> values of the API's error bodies.</summary>
internal static class ApiErrorTypes
{
    /// <summary>400: a definition, input, event or parameter is invalid (details name each problem).</summary>
    public const string ValidationError = "ValidationError";
    /// <summary>400: the body is not well-formed JSON.</summary>
    public const string InvalidJson = "InvalidJson";
    /// <summary>401: the API key is missing or wrong.</summary>
    public const string Unauthorized = "Unauthorized";
    /// <summary>400: the request is broken below JSON: a chunked body that does not decode, a body cut short.</summary>
    public const string BadRequest = "BadRequest";
    /// <summary>404: the workflow, version, instance or route does not exist.</summary>
    public const string NotFound = "NotFound";
    /// <summary>405: the route exists, but not for this method (the <c>Allow</c> header lists those it has).</summary>
    public const string MethodNotAllowed = "MethodNotAllowed";
    /// <summary>409: the request conflicts with the instance's state.</summary>
    public const string Conflict = "Conflict";
    /// <summary>410: the instance is final.</summary>
    public const string Gone = "Gone";
    /// <summary>413: the body is over the size limit.</summary>
    public const string PayloadTooLarge = "PayloadTooLarge";
    /// <summary>414: the request target (path and query) is over the size limit.</summary>
    public const string UriTooLong = "UriTooLong";
    /// <summary>415: the body declares a character set other than UTF-8.</summary>
    public const string UnsupportedMediaType = "UnsupportedMediaType";
    /// <summary>429: the instance already holds as many queued events as it keeps.</summary>
    public const string EventQueueFull = "EventQueueFull";
    /// <summary>431: the request's headers are over the size or count limit.</summary>
    public const string RequestHeadersTooLarge = "RequestHeadersTooLarge";
    /// <summary>501: a Durable route this host does not implement.</summary>
    public const string NotImplemented = "NotImplemented";
    /// <summary>500: the host failed; the message says what it could.</summary>
    public const string InternalError = "InternalError";
}
