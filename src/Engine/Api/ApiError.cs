using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.Engine.Definitions;

namespace Serverless.Engine.Api;

/// <summary>An API error: a status code and the body <c>{"error": {type, message, details?}}</c>.</summary>
/// <param name="StatusCode">The HTTP status code.</param>
/// <param name="Type">One of <see cref="ApiErrorTypes"/>.</param>
/// <param name="Message">What went wrong and where. Never holds a secret value.</param>
/// <param name="Details">For validation errors: every problem with its JSON pointer.</param>
internal sealed record ApiError(int StatusCode, string Type, string Message, IReadOnlyList<ValidationError>? Details = null)
{
    /// <summary>The error body.</summary>
    public JsonObject ToJson()
    {
        var error = new JsonObject
        {
            ["type"] = Type,
            ["message"] = Message,
        };
        if (Details is { Count: > 0 })
        {
            error["details"] = new JsonArray([.. Details.Select(d => (JsonNode)new JsonObject { ["path"] = d.Path, ["message"] = d.Message })]);
        }

        return new JsonObject { ["error"] = error };
    }

    /// <summary>400 with every validation problem.</summary>
    public static ApiError Validation(string message, IReadOnlyList<ValidationError> details) => new(400, ApiErrorTypes.ValidationError, message, details);

    /// <summary>400 for one invalid parameter or body field.</summary>
    public static ApiError Invalid(string path, string message) => new(400, ApiErrorTypes.ValidationError, message, [new ValidationError(path, message)]);

    /// <summary>400 for a body that is not JSON.</summary>
    public static ApiError InvalidJson(JsonException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var where = exception.LineNumber is { } line ? $" at line {line + 1}, position {(exception.BytePositionInLine ?? 0) + 1}" : string.Empty;
        return new(400, ApiErrorTypes.InvalidJson, $"The request body is not valid JSON{where}.");
    }

    /// <summary>404.</summary>
    public static ApiError NotFound(string message) => new(404, ApiErrorTypes.NotFound, message);

    /// <summary>409.</summary>
    public static ApiError Conflict(string message) => new(409, ApiErrorTypes.Conflict, message);

    /// <summary>410.</summary>
    public static ApiError Gone(string message) => new(410, ApiErrorTypes.Gone, message);

    /// <summary>413.</summary>
    public static ApiError TooLarge(long limitBytes) => new(413, ApiErrorTypes.PayloadTooLarge, $"The request body is larger than the limit of {limitBytes} bytes.");

    /// <summary>405 for a route that has only <paramref name="allowed"/> methods.</summary>
    public static ApiError MethodNotAllowed(string method, string path, IEnumerable<string> allowed)
        => new(405, ApiErrorTypes.MethodNotAllowed, $"{method} is not a method of {path}; it has {string.Join(", ", allowed)}.");

    /// <summary>415 for a body declared in another character set than UTF-8.</summary>
    public static ApiError UnsupportedCharset(string charset)
        => new(415, ApiErrorTypes.UnsupportedMediaType, $"The request body must be UTF-8 JSON; its Content-Type declares charset '{charset}'.");

    /// <summary>429.</summary>
    public static ApiError QueueFull(string message) => new(429, ApiErrorTypes.EventQueueFull, message);

    /// <summary>501.</summary>
    public static ApiError NotImplemented(string message) => new(501, ApiErrorTypes.NotImplemented, message);

    /// <summary>401.</summary>
    public static ApiError Unauthorized() => new(401, ApiErrorTypes.Unauthorized, "This host requires an API key: pass it as the 'code' query parameter or the 'x-functions-key' header.");
}
