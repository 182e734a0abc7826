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

    // The runtime's fallbacks: every path where work is handed back, waited out, retried or given up says so.
    [LoggerMessage(40, LogLevel.Information, "{Event} for instance {InstanceId} was not applied in-process ({Reason}); it is delivered through the control queue")]
    public static partial void DeliveryFellBack(ILogger logger, string @event, string instanceId, string reason, Exception? exception);

    [LoggerMessage(41, LogLevel.Information, "Partition {Partition} moved to another host before {What} for instance {InstanceId} was applied: {How}")]
    public static partial void HandedBack(ILogger logger, string what, string instanceId, int partition, string how);

    [LoggerMessage(42, LogLevel.Debug, "{What} for instance {InstanceId} was not applied: the instance's unsaved progress was thrown away; its caller delivers it again")]
    public static partial void ResetHandedBack(ILogger logger, string what, string instanceId);

    [LoggerMessage(43, LogLevel.Debug, "{What} for instance {InstanceId} is applied again once the instance is read again: its unsaved progress was thrown away (wait {Attempt})")]
    public static partial void ResetRetry(ILogger logger, string what, string instanceId, int attempt);

    [LoggerMessage(44, LogLevel.Error, "{What} for instance {InstanceId} failed on every one of {Attempts} attempts; the instance fails with HostError")]
    public static partial void ItemGivenUp(ILogger logger, string what, string instanceId, int attempts);

    [LoggerMessage(45, LogLevel.Error, "Failing instance {InstanceId} with a host error failed on every one of {Attempts} attempts; it is given up (a poison message stays in the poison queue)")]
    public static partial void HostFailureGivenUp(ILogger logger, string instanceId, int attempts);

    [LoggerMessage(46, LogLevel.Debug, "Shutting down: {What} for instance {InstanceId} is left to a later delivery or to the partition's next owner")]
    public static partial void LeftForLater(ILogger logger, string what, string instanceId);

    [LoggerMessage(47, LogLevel.Warning, "A batch of {Count} items for instance {InstanceId} failed; its items are applied one at a time")]
    public static partial void BatchSplit(ILogger logger, string instanceId, int count, Exception exception);

    [LoggerMessage(48, LogLevel.Information, "Instance {InstanceId} no longer exists; {Count} items for it are dropped (API calls answer 404)")]
    public static partial void InstanceGone(ILogger logger, string instanceId, int count);

    [LoggerMessage(49, LogLevel.Warning, "Saving instance {InstanceId} failed; its unsaved progress is thrown away, its items are retried and its state is read again")]
    public static partial void SaveFailed(ILogger logger, string instanceId, Exception exception);

    [LoggerMessage(50, LogLevel.Debug, "The queue message of {What} was not deleted after its save; it comes back and is a no-op")]
    public static partial void MessageNotDeleted(ILogger logger, string what, Exception exception);

    [LoggerMessage(51, LogLevel.Error, "Instance {InstanceId} is not taken over: workflow {Workflow} version {Version} is not registered")]
    public static partial void NotReissued(ILogger logger, string instanceId, string workflow, int version);

    [LoggerMessage(52, LogLevel.Warning, "Message {MessageId} on partition {Partition} could not be read (delivery {DequeueCount}); it is released for a later delivery")]
    public static partial void MessageUnreadable(ILogger logger, string messageId, int partition, long dequeueCount, Exception exception);

    [LoggerMessage(53, LogLevel.Debug, "Message {MessageId} for instance {InstanceId} could not be hidden until its due time; it is held in memory")]
    public static partial void EarlyMessageHeld(ILogger logger, string messageId, string instanceId, Exception exception);

    [LoggerMessage(54, LogLevel.Debug, "Releasing message {MessageId} on partition {Partition} failed; its visibility timeout releases it")]
    public static partial void MessageNotReleased(ILogger logger, string messageId, int partition, Exception exception);

    [LoggerMessage(55, LogLevel.Debug, "Deleting the heartbeat row of host {HostId} failed; it ages out")]
    public static partial void HeartbeatNotDeleted(ILogger logger, string hostId, Exception exception);

    [LoggerMessage(56, LogLevel.Warning, "Partition {Partition} is released with {InFlight} operations still in flight (the shutdown timeout ran out); the next owner re-issues what the saved states owe")]
    public static partial void ReleasedWithWorkInFlight(ILogger logger, int partition, long inFlight);

    [LoggerMessage(57, LogLevel.Debug, "Forgetting the dead host {HostId} failed ({Status}); another host deleted or refreshed it")]
    public static partial void DeadHostNotForgotten(ILogger logger, string hostId, int status);

    [LoggerMessage(58, LogLevel.Debug, "Node work {Key} for instance {InstanceId} is not started: partition {Partition} is being handed over; the outbox keeps it for the next owner")]
    public static partial void NodeWorkNotStarted(ILogger logger, string key, string instanceId, int partition);

    [LoggerMessage(59, LogLevel.Debug, "Polling partition {Partition} failed again or waits for storage (failure {Failures}); it polls again, backing off")]
    public static partial void PollWaiting(ILogger logger, int partition, int failures);

    [LoggerMessage(60, LogLevel.Debug, "Node work {Key} for instance {InstanceId} was aborted at shutdown; the outbox keeps it for the next owner")]
    public static partial void NodeWorkAborted(ILogger logger, string key, string instanceId);

    [LoggerMessage(61, LogLevel.Warning, "Start-up priming failed; the host gets ready all the same, and its first requests set up what it would have")]
    public static partial void PrimingFailed(ILogger logger, Exception exception);
}
