using Microsoft.Extensions.Logging;

namespace Serverless.Engine;

/// <summary>
/// Every log message of the engine, source-generated. Event ids are stable: 3000-3999 node executors.
/// Nothing logged here holds a secret's value: executors pass only redacted text.
/// </summary>
internal static partial class Log
{
    // Execution: http nodes (3000-3019)
    [LoggerMessage(EventId = 3000, Level = LogLevel.Debug, Message = "http node {Path} (instance {InstanceId}) sends {Method} {Url}")]
    public static partial void HttpRequestStarting(ILogger logger, string path, string instanceId, string method, string url);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "http node {Path} (instance {InstanceId}) got {Status} from {Method} {Url} in {ElapsedMs} ms")]
    public static partial void HttpRequestSucceeded(ILogger logger, string path, string instanceId, string method, string url, int status, long elapsedMs);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "http node {Path} (instance {InstanceId}) failed with {ErrorType} in {ElapsedMs} ms: {ErrorMessage}")]
    public static partial void HttpRequestFailed(ILogger logger, string path, string instanceId, string errorType, long elapsedMs, string errorMessage);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "the network guard refused {Address} ({Range}) for host {Host}")]
    public static partial void AddressBlocked(ILogger logger, string address, string range, string host);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "circuit for {DownstreamHost} opened for {BreakDuration}")]
    public static partial void CircuitOpened(ILogger logger, string downstreamHost, TimeSpan breakDuration);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Information, Message = "circuit for {DownstreamHost} half-opened: one probe call goes through")]
    public static partial void CircuitHalfOpened(ILogger logger, string downstreamHost);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Information, Message = "circuit for {DownstreamHost} closed")]
    public static partial void CircuitClosed(ILogger logger, string downstreamHost);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Warning, Message = "http node {Path} (instance {InstanceId}) uses secret {SecretName}, which is not configured")]
    public static partial void SecretMissing(ILogger logger, string path, string instanceId, string secretName);

    // Execution: activity nodes (3020-3039)
    [LoggerMessage(EventId = 3020, Level = LogLevel.Debug, Message = "activity {Activity} starts for node {Path} (instance {InstanceId}, attempt {Attempt})")]
    public static partial void ActivityStarting(ILogger logger, string activity, string path, string instanceId, int attempt);

    [LoggerMessage(EventId = 3021, Level = LogLevel.Information, Message = "activity {Activity} for node {Path} (instance {InstanceId}) succeeded in {ElapsedMs} ms")]
    public static partial void ActivitySucceeded(ILogger logger, string activity, string path, string instanceId, long elapsedMs);

    [LoggerMessage(EventId = 3022, Level = LogLevel.Warning, Message = "activity {Activity} for node {Path} (instance {InstanceId}) failed with {ErrorType}: {ErrorMessage}")]
    public static partial void ActivityFailed(ILogger logger, string activity, string path, string instanceId, string errorType, string errorMessage);

    [LoggerMessage(EventId = 3023, Level = LogLevel.Warning, Message = "activity {Activity} for node {Path} (instance {InstanceId}) threw")]
    public static partial void ActivityThrew(ILogger logger, Exception exception, string activity, string path, string instanceId);
}
