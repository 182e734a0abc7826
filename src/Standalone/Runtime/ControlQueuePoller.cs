using System.Text.Json;
using Azure;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Options;
using Serverless.Engine;
using Serverless.Engine.Decisions;
using Serverless.Standalone.Storage;
using Serverless.Standalone.Telemetry;

namespace Serverless.Standalone.Runtime;

/// <summary>
/// Polls the control queues of the partitions this process owns (started and stopped by
/// <see cref="PartitionLeaseBalancer"/>): receives messages, backing off while a queue is empty or storage does not
/// answer, holds early timers until due, hands each event to its instance, and releases, or after
/// <see cref="StandaloneHostOptions.MaxDequeueCount"/> deliveries poisons, a message that fails.
/// </summary>
internal sealed class ControlQueuePoller
{
    private readonly TaskHubStorage _storage;
    private readonly InstanceRuntime _runtime;
    private readonly MessageSender _sender;
    private readonly HostMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly StandaloneHostOptions _options;
    private readonly ILogger<ControlQueuePoller> _logger;
    private readonly CancellationTokenSource?[] _pollers;
    private readonly Task?[] _pollTasks;

    public ControlQueuePoller(
        TaskHubStorage storage,
        InstanceRuntime runtime,
        MessageSender sender,
        HostMetrics metrics,
        TimeProvider time,
        IOptions<StandaloneHostOptions> options,
        ILogger<ControlQueuePoller> logger)
    {
        _storage = storage;
        _runtime = runtime;
        _sender = sender;
        _metrics = metrics;
        _time = time;
        _options = options.Value;
        _logger = logger;
        _pollers = new CancellationTokenSource?[_options.Partitions];
        _pollTasks = new Task?[_options.Partitions];
    }

    /// <summary>Starts polling a partition's control queue.</summary>
    public void Start(int partition)
    {
        var cts = new CancellationTokenSource();
        _pollers[partition] = cts;
        _pollTasks[partition] = Task.Run(() => PollAsync(partition, cts.Token));
    }

    /// <summary>Stops polling a partition's control queue and waits for the poll under way to end.</summary>
    public async Task StopAsync(int partition)
    {
        if (_pollers[partition] is { } cts)
        {
            await cts.CancelAsync();
            try
            {
                await (_pollTasks[partition] ?? Task.CompletedTask);
            }
            catch (OperationCanceledException)
            {
                // Stopped.
            }

            cts.Dispose();
            _pollers[partition] = null;
            _pollTasks[partition] = null;
        }
    }

    private async Task PollAsync(int partition, CancellationToken cancellationToken)
    {
        var queue = _storage.ControlQueues[partition];
        var idle = TimeSpan.FromMilliseconds(5);
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            QueueMessage[] messages;
            try
            {
                var response = await queue.ReceiveMessagesAsync(32, _options.MessageVisibilityTimeout, cancellationToken);
                messages = response.Value;
                failures = 0;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Storage unreachable (logged once by StorageAvailability) or refusing: poll again, backing off to 2 s.
                if (failures++ == 0 && !StorageErrors.IsUnavailable(ex))
                {
                    Log.PollFailed(_logger, partition, ex);
                }
                else
                {
                    Log.PollWaiting(_logger, partition, failures);
                }

                messages = [];
                idle = TimeSpan.FromMilliseconds(Math.Min(2000, Math.Max(idle.TotalMilliseconds * 2, 250)));
            }

            if (messages.Length == 0)
            {
                try
                {
                    await Task.Delay(idle, _time, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                if (failures == 0)
                {
                    idle = TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, _options.MaxPollInterval.Ticks));
                }

                continue;
            }

            idle = TimeSpan.FromMilliseconds(5);
            foreach (var message in messages)
            {
                try
                {
                    await HandleMessageAsync(partition, message, cancellationToken);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    // The message stays hidden for the visibility timeout and comes back; the poller goes on.
                    Log.PollFailed(_logger, partition, ex);
                }
            }
        }
    }

    private async Task HandleMessageAsync(int partition, QueueMessage message, CancellationToken cancellationToken)
    {
        ControlMessage control;
        WorkflowEvent @event;
        try
        {
            (control, @event) = await ReadAsync(message, cancellationToken);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or RequestFailedException && !StorageErrors.IsUnavailable(ex))
        {
            var instanceId = TryReadInstanceId(message);
            if (message.DequeueCount >= _options.MaxDequeueCount || instanceId is null)
            {
                await PoisonAsync(partition, message, instanceId, $"the message could not be read: {ex.Message}");
            }
            else
            {
                Log.MessageUnreadable(_logger, message.MessageId, partition, message.DequeueCount, ex);
                await AbandonAsync(partition, message);
            }

            return;
        }

        if (message.DequeueCount > _options.MaxDequeueCount)
        {
            await PoisonAsync(partition, message, control.InstanceId, $"processing {@event.GetType().Name} failed on every one of {message.DequeueCount - 1} deliveries");
            return;
        }

        if (control.DueAt is { } due && due > _time.GetUtcNow())
        {
            var remaining = due - _time.GetUtcNow();
            if (remaining > TimeSpan.FromSeconds(5))
            {
                // Early (rounded down, or chained past the queue's 7-day limit): hide it again until close to due.
                var hide = TimeSpan.FromSeconds(Math.Min(Math.Floor(remaining.TotalSeconds), MessageSender.MaxDelay.TotalSeconds));
                try
                {
                    await _storage.ControlQueues[partition].UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: hide, cancellationToken: CancellationToken.None);
                    return;
                }
                catch (Exception ex) when (StorageErrors.IsUnavailable(ex) && remaining < _options.MessageVisibilityTimeout)
                {
                    // Still hidden from the receive: hold it here instead, so the timer does not wait for the reappearance.
                    Log.EarlyMessageHeld(_logger, message.MessageId, control.InstanceId, ex);
                }
            }

            _ = HoldThenPostAsync(partition, message, control, @event, remaining);
            return;
        }

        Post(partition, message, control, @event);
    }

    /// <summary>
    /// Reads a message's event, waiting for storage while it does not answer (only an event in a blob needs it): the
    /// message stays hidden meanwhile, so a storage outage uses up none of its deliveries.
    /// </summary>
    private async Task<(ControlMessage Control, WorkflowEvent Event)> ReadAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        for (var waits = 1; ; waits++)
        {
            try
            {
                return await _sender.ReadAsync(message, cancellationToken);
            }
            catch (Exception ex) when (StorageErrors.IsUnavailable(ex) && waits < 30)
            {
                Log.WaitingForStorage(_logger, "Reading message " + message.MessageId, "(unknown)", waits);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 250 * waits)), _time, cancellationToken);
            }
        }
    }

    private async Task HoldThenPostAsync(int partition, QueueMessage message, ControlMessage control, WorkflowEvent @event, TimeSpan delay)
    {
        // Timers round to whole milliseconds; wait until the due time has really passed so a timer never fires early.
        await Task.Delay(delay + TimeSpan.FromMilliseconds(1), _time);
        while (control.DueAt is { } due && _time.GetUtcNow() < due)
        {
            await Task.Delay(due - _time.GetUtcNow() + TimeSpan.FromMilliseconds(1), _time);
        }

        Post(partition, message, control, @event);
    }

    private void Post(int partition, QueueMessage message, ControlMessage control, WorkflowEvent @event)
        => _runtime.PostFromQueue(
            control.InstanceId,
            @event,
            null,
            () => _sender.DeleteAsync(partition, message, control),
            () => AbandonAsync(partition, message));

    private async Task AbandonAsync(int partition, QueueMessage message)
    {
        try
        {
            // Back off a little more on every delivery; the dequeue count decides when it is poison.
            var delay = TimeSpan.FromSeconds(Math.Min(30, message.DequeueCount));
            await _storage.ControlQueues[partition].UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: delay);
        }
        catch (Exception ex) when (ex is RequestFailedException || StorageErrors.IsUnavailable(ex))
        {
            // The visibility timeout releases it anyway.
            Log.MessageNotReleased(_logger, message.MessageId, partition, ex);
        }
    }

    private async Task PoisonAsync(int partition, QueueMessage message, string? instanceId, string reason)
    {
        _metrics.Poison();
        Log.PoisonMessage(_logger, message.MessageId, instanceId ?? "(unknown)", message.DequeueCount);
        await _storage.PoisonQueue.SendMessageAsync(message.Body.ToString(), timeToLive: TimeSpan.FromSeconds(-1));
        if (instanceId is null)
        {
            await _sender.DeleteAsync(partition, message, null);
            return;
        }

        var failure = new WorkflowError(ErrorTypes.PoisonMessage,
            $"The host gave up on message {message.MessageId} for this instance: {reason}. The message is kept in queue '{_storage.PoisonQueue.Name}'.");
        _runtime.PostFromQueue(instanceId, null, failure, () => _sender.DeleteAsync(partition, message, null), () => Task.CompletedTask);
    }

    private static string? TryReadInstanceId(QueueMessage message)
    {
        try
        {
            using var document = JsonDocument.Parse(message.Body.ToMemory());
            return document.RootElement.TryGetProperty("instanceId", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Publishes the approximate number of messages waiting in the control queues of <paramref name="partitions"/>.</summary>
    public async Task RefreshQueueDepthAsync(IEnumerable<int> partitions, CancellationToken cancellationToken)
    {
        long depth = 0;
        foreach (var p in partitions)
        {
            var properties = await _storage.ControlQueues[p].GetPropertiesAsync(cancellationToken);
            depth += properties.Value.ApproximateMessagesCount;
        }

        _metrics.QueueDepth = depth;
    }
}
