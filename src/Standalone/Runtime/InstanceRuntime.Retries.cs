using Serverless.Engine;

namespace Serverless.Standalone.Runtime;

/// <summary>
/// What becomes of items that were not applied: handed back when the partition moved, waited out while storage does
/// not answer or the instance reloads, retried when they failed, and given up (the instance fails) after too many tries.
/// </summary>
internal sealed partial class InstanceRuntime
{
    /// <summary>The partition moved to another host before the batch was applied: every item goes back where it came from.</summary>
    private async Task HandOverAsync(InstanceActor actor, IReadOnlyList<InboxItem> batch)
    {
        foreach (var item in batch)
        {
            if (item.FromQueue)
            {
                Log.HandedBack(_logger, Describe(item), actor.InstanceId, actor.Partition, "its message is released for the new owner");
                await item.OnFailed!();
            }
            else if (item.Saved is not null)
            {
                Log.HandedBack(_logger, Describe(item), actor.InstanceId, actor.Partition, "its caller delivers it through the control queue");
                item.Saved.TrySetResult(InboxOutcome.NotApplied);
            }
            else if (item.Event is not null)
            {
                Log.HandedBack(_logger, Describe(item), actor.InstanceId, actor.Partition, "it is forwarded to the control queue");
                Forward(actor.InstanceId, item.Event);
            }
            else
            {
                Log.HandedBack(_logger, Describe(item), actor.InstanceId, actor.Partition, "the new owner carries out what the saved state owes");
            }
        }
    }

    /// <summary>
    /// The instance's unsaved progress was thrown away under the item (a save failed): an API caller delivers it another
    /// way; anything else is applied again once the instance is read again, without using up an attempt.
    /// </summary>
    private void RetryAfterReset(InstanceActor actor, InboxItem item)
    {
        if (item.Saved is not null)
        {
            Log.ResetHandedBack(_logger, Describe(item), actor.InstanceId);
            item.Saved.TrySetResult(InboxOutcome.NotApplied);
            return;
        }

        var waits = item.CountWait();
        Log.ResetRetry(_logger, Describe(item), actor.InstanceId, waits);
        _ = RetryLaterAsync(actor.InstanceId, item, Backoff(waits));
    }

    private async Task FailItemAsync(InstanceActor actor, InboxItem item, Exception ex)
    {
        if (IsRetryable(ex))
        {
            if (item.Saved is not null)
            {
                // An API call: its caller answers (503 while storage is unreachable) and may try again.
                item.Saved.TrySetException(ex);
                return;
            }

            // Node results, due timers, queue messages and host updates wait for storage without using up attempts; a
            // queue message stays hidden meanwhile, so its deliveries are not used up either.
            var waits = item.CountWait();
            Log.WaitingForStorage(_logger, Describe(item), actor.InstanceId, waits);
            _ = RetryLaterAsync(actor.InstanceId, item, Backoff(waits));
            return;
        }

        var attempts = item.CountAttempt();
        Log.BatchFailed(_logger, actor.InstanceId, attempts, ex);
        if (item.FromQueue)
        {
            // Released for a later delivery; the dequeue count decides when it is poison.
            await item.OnFailed!();
            return;
        }

        if (item.Saved is not null)
        {
            item.Saved.TrySetException(ex);
            return;
        }

        if (attempts < _options.MaxDequeueCount)
        {
            _ = RetryLaterAsync(actor.InstanceId, item, TimeSpan.FromMilliseconds(200 * attempts));
        }
        else if (item.HostFailure is null)
        {
            Log.ItemGivenUp(_logger, Describe(item), actor.InstanceId, attempts);
            Post(actor.InstanceId, new InboxItem
            {
                HostFailure = new WorkflowError(ErrorTypes.HostError, $"The host could not apply {Describe(item)} to this instance after {attempts} attempts: {ex.Message}"),
            });
        }
        else
        {
            Log.HostFailureGivenUp(_logger, actor.InstanceId, attempts);
        }
    }

    private async Task RetryLaterAsync(string instanceId, InboxItem item, TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _time, _stoppingToken);
        }
        catch (OperationCanceledException)
        {
            // Shutting down: a queue message comes back, and the saved state still owes its node work and timers.
            Log.LeftForLater(_logger, Describe(item), instanceId);
            return;
        }

        Post(instanceId, item);
    }

    private static string Describe(InboxItem item) => item.Event?.GetType().Name ?? (item.Reload ? "a reload" : "a host update");
}
