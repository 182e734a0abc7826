using Microsoft.Extensions.Logging;

namespace Serverless.Standalone.Telemetry;

/// <summary>The host's structured log messages (stable event ids).</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Host {HostId} serving task hub {TaskHub} with {Partitions} partitions")]
    public static partial void HostStarted(ILogger logger, string hostId, string taskHub, int partitions);

    [LoggerMessage(2, LogLevel.Information, "Acquired partition {Partition}")]
    public static partial void PartitionAcquired(ILogger logger, int partition);

    [LoggerMessage(3, LogLevel.Warning, "Lost partition {Partition}")]
    public static partial void PartitionLost(ILogger logger, int partition, Exception? exception);

    [LoggerMessage(4, LogLevel.Information, "Released partition {Partition}")]
    public static partial void PartitionReleased(ILogger logger, int partition);

    [LoggerMessage(5, LogLevel.Information, "Recovered {Count} active instances of partition {Partition}")]
    public static partial void PartitionRecovered(ILogger logger, int partition, int count);

    [LoggerMessage(10, LogLevel.Information, "Instance {InstanceId} of {Workflow} v{Version} created")]
    public static partial void InstanceCreated(ILogger logger, string instanceId, string workflow, int version);

    [LoggerMessage(11, LogLevel.Information, "Instance {InstanceId} reached {Status}")]
    public static partial void InstanceFinished(ILogger logger, string instanceId, string status);

    [LoggerMessage(12, LogLevel.Warning, "Processing events for instance {InstanceId} failed (attempt {Attempt})")]
    public static partial void BatchFailed(ILogger logger, string instanceId, int attempt, Exception exception);

    [LoggerMessage(13, LogLevel.Error, "Message {MessageId} for instance {InstanceId} is poison after {DequeueCount} deliveries; the instance fails and the message moves to the poison queue")]
    public static partial void PoisonMessage(ILogger logger, string messageId, string instanceId, long dequeueCount);

    [LoggerMessage(14, LogLevel.Warning, "ETag conflict saving instance {InstanceId}; reloading")]
    public static partial void SaveConflict(ILogger logger, string instanceId);

    [LoggerMessage(15, LogLevel.Warning, "Dispatching {Command} for instance {InstanceId} failed; it stays in the outbox")]
    public static partial void DispatchFailed(ILogger logger, string command, string instanceId, Exception exception);

    [LoggerMessage(16, LogLevel.Warning, "Polling partition {Partition} failed")]
    public static partial void PollFailed(ILogger logger, int partition, Exception exception);

    [LoggerMessage(17, LogLevel.Warning, "Lease maintenance failed")]
    public static partial void LeaseMaintenanceFailed(ILogger logger, Exception exception);

    [LoggerMessage(18, LogLevel.Information, "Shutting down: draining in-flight work")]
    public static partial void Draining(ILogger logger);

    [LoggerMessage(19, LogLevel.Warning, "Node executor threw for {Key}")]
    public static partial void ExecutorThrew(ILogger logger, string key, Exception exception);

    [LoggerMessage(20, LogLevel.Error, "Unhandled error serving {Method} {Path}")]
    public static partial void RequestFailed(ILogger logger, string method, string path, Exception exception);

    [LoggerMessage(21, LogLevel.Error, "Instance {InstanceId} is left alone: its stored state was written under other engine semantics")]
    public static partial void InstanceRefused(ILogger logger, string instanceId, Exception exception);

    [LoggerMessage(22, LogLevel.Warning, "Azure Storage is unreachable: the {Service} service at {Endpoint} failed ({Reason}); work waits and is retried, requests that need storage answer 503")]
    public static partial void StorageUnreachable(ILogger logger, string service, string endpoint, string reason);

    [LoggerMessage(23, LogLevel.Information, "Azure Storage is reachable again: the {Service} service at {Endpoint} answers after {Seconds:F1} s")]
    public static partial void StorageReachable(ILogger logger, string service, string endpoint, double seconds);

    [LoggerMessage(24, LogLevel.Debug, "{What} for instance {InstanceId} waits for storage (attempt {Attempt})")]
    public static partial void WaitingForStorage(ILogger logger, string what, string instanceId, int attempt);

    [LoggerMessage(25, LogLevel.Warning, "{Method} {Path} answered 503: {Problem}")]
    public static partial void RequestRefusedStorageUnavailable(ILogger logger, string method, string path, string problem);

    [LoggerMessage(26, LogLevel.Warning, "Recovering partition {Partition} failed; the next lease round tries again")]
    public static partial void PartitionRecoveryFailed(ILogger logger, int partition, Exception exception);

    [LoggerMessage(27, LogLevel.Debug, "Lease maintenance waits for storage")]
    public static partial void LeaseMaintenanceWaiting(ILogger logger, Exception exception);
}
