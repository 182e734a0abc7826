using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Specialized;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Engine;
using Serverless.Engine.Decisions;
using Serverless.Standalone.Storage;
using Serverless.Standalone.Telemetry;

namespace Serverless.Standalone.Runtime;

/// <summary>
/// Shares the task hub's partitions among host processes. Each process heartbeats a row in <c>{hub}Hosts</c>, counts
/// the live ones, and holds blob leases on at most ceil(partitions / live hosts) partitions: it takes free ones and
/// hands extra ones over (stop polling, let in-flight work finish and save, then release). The lease is what makes a
/// process the only writer of a partition's instances; the state row's ETag catches a process that lost its lease
/// while stalled. Owning a partition means polling its control queue and recovering its active instances.
/// </summary>
internal sealed class PartitionManager : BackgroundService
{
    private readonly TaskHubStorage _storage;
    private readonly PartitionTable _partitions;
    private readonly InstanceRuntime _runtime;
    private readonly NodeWorkRunner _runner;
    private readonly MessageSender _sender;
    private readonly HostMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly StandaloneHostOptions _options;
    private readonly ILogger<PartitionManager> _logger;
    private readonly BlobLeaseClient?[] _leases;
    private readonly CancellationTokenSource?[] _pollers;
    private readonly Task?[] _pollTasks;
    private readonly HashSet<string>?[] _recovering;
    private readonly string _leaseId = Guid.NewGuid().ToString();

    public PartitionManager(
        TaskHubStorage storage,
        PartitionTable partitions,
        InstanceRuntime runtime,
        NodeWorkRunner runner,
        MessageSender sender,
        HostMetrics metrics,
        TimeProvider time,
        IOptions<StandaloneHostOptions> options,
        ILogger<PartitionManager> logger)
    {
        _storage = storage;
        _partitions = partitions;
        _runtime = runtime;
        _runner = runner;
        _sender = sender;
        _metrics = metrics;
        _time = time;
        _options = options.Value;
        _logger = logger;
        _leases = new BlobLeaseClient?[_options.Partitions];
        _pollers = new CancellationTokenSource?[_options.Partitions];
        _pollTasks = new Task?[_options.Partitions];
        _recovering = new HashSet<string>?[_options.Partitions];
        HostId = $"{Environment.MachineName}-{Environment.ProcessId}-{_leaseId[..8]}".ToLowerInvariant();
    }

    public string HostId { get; }

    /// <summary>Completed once storage exists and the first lease round ran.</summary>
    public TaskCompletionSource Ready { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Log.HostStarted(_logger, HostId, _storage.TaskHub, _options.Partitions);
        while (true)
        {
            try
            {
                await _storage.EnsureCreatedAsync(stoppingToken);
                await Task.WhenAll(Enumerable.Range(0, _options.Partitions).Select(p => EnsureLeaseBlobAsync(p, stoppingToken)));
                break;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Storage unreachable or refusing: keep serving /healthz (503) and try again.
                Log.LeaseMaintenanceFailed(_logger, ex);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(2), _time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }

        var lastDepth = long.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await BalanceAsync(stoppingToken);
                Ready.TrySetResult();
                if (_time.GetElapsedTime(lastDepth == long.MinValue ? 0 : lastDepth) > TimeSpan.FromSeconds(10) || lastDepth == long.MinValue)
                {
                    lastDepth = _time.GetTimestamp();
                    await RefreshQueueDepthAsync(stoppingToken);
                    _runtime.RetireIdle();
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (StorageErrors.IsUnavailable(ex))
            {
                // Storage unreachable: StorageAvailability logged it once; the next round tries again.
                Log.LeaseMaintenanceWaiting(_logger, ex);
            }
            catch (Exception ex)
            {
                Log.LeaseMaintenanceFailed(_logger, ex);
            }

            try
            {
                await Task.Delay(_options.LeaseRenewInterval, _time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        Log.Draining(_logger);
        await base.StopAsync(cancellationToken);
        var owned = Enumerable.Range(0, _options.Partitions).Where(p => _leases[p] is not null).ToList();
        using var deadline = new CancellationTokenSource(_options.ShutdownTimeout, _time);
        await Task.WhenAll(owned.Select(p => ReleaseAsync(p, deadline.Token)));
        _runner.Abort();
        _runtime.Stop();
        try
        {
            await _storage.Hosts.DeleteEntityAsync("hosts", HostId, ETag.All, CancellationToken.None);
        }
        catch (Exception ex) when (ex is RequestFailedException || StorageErrors.IsUnavailable(ex))
        {
            // The heartbeat row ages out on its own.
        }
    }

    private async Task EnsureLeaseBlobAsync(int partition, CancellationToken cancellationToken)
    {
        var blob = _storage.Leases.GetBlobClient(LeaseBlobName(partition));
        try
        {
            await blob.UploadAsync(BinaryData.FromString(string.Empty), overwrite: false, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            // Exists (and may be leased).
        }
    }

    private static string LeaseBlobName(int partition) => "partition-" + partition.ToString("D2", CultureInfo.InvariantCulture);

    private async Task BalanceAsync(CancellationToken cancellationToken)
    {
        // Renew what we hold; a refused renewal means another process may own it now. Storage that does not answer
        // decides nothing: the partition stays ours (nobody else can write either, and the state rows' ETags guard
        // the rest) and the renewal, or the news that it was lost, comes once storage answers again.
        for (var p = 0; p < _options.Partitions; p++)
        {
            if (_leases[p] is { } lease && _partitions[p] == PartitionState.Owned)
            {
                try
                {
                    await lease.RenewAsync(cancellationToken: cancellationToken);
                }
                catch (RequestFailedException ex) when (!StorageErrors.IsUnavailable(ex))
                {
                    Log.PartitionLost(_logger, p, ex);
                    await StopPollingAsync(p);
                    _partitions[p] = PartitionState.NotOwned;
                    _leases[p] = null;
                    _recovering[p] = null;
                    _runtime.DropPartition(p);
                }
            }
        }

        // A partition whose takeover storage interrupted: carry on from where it stopped.
        for (var p = 0; p < _options.Partitions; p++)
        {
            if (_recovering[p] is not null && _partitions[p] == PartitionState.Owned)
            {
                await RecoverAsync(p, cancellationToken);
            }
        }

        var live = await HeartbeatAsync(cancellationToken);
        var target = (_options.Partitions + live - 1) / live;
        var owned = Enumerable.Range(0, _options.Partitions).Where(p => _leases[p] is not null).ToList();
        if (owned.Count > target)
        {
            foreach (var p in owned.Skip(target))
            {
                using var deadline = new CancellationTokenSource(_options.ShutdownTimeout, _time);
                await ReleaseAsync(p, deadline.Token);
            }

            return;
        }

        // Start at a per-host offset so hosts starting together do not all race for partition 0.
        var offset = (int)((uint)HostId.GetHashCode(StringComparison.Ordinal) % (uint)_options.Partitions);
        for (var i = 0; i < _options.Partitions && owned.Count < target; i++)
        {
            var p = (i + offset) % _options.Partitions;
            if (_leases[p] is not null)
            {
                continue;
            }

            var lease = _storage.Leases.GetBlobClient(LeaseBlobName(p)).GetBlobLeaseClient(_leaseId);
            try
            {
                await lease.AcquireAsync(_options.LeaseDuration, cancellationToken: cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                continue;
            }

            _leases[p] = lease;
            owned.Add(p);
            _partitions[p] = PartitionState.Owned;
            _recovering[p] = new HashSet<string>(StringComparer.Ordinal);
            Log.PartitionAcquired(_logger, p);
            await RecoverAsync(p, cancellationToken);
            StartPolling(p);
        }
    }

    /// <summary>Takes over the partition's active instances; when storage interrupts, the next round goes on.</summary>
    private async Task RecoverAsync(int partition, CancellationToken cancellationToken)
    {
        var recovered = _recovering[partition]!;
        try
        {
            await _runtime.RecoverPartitionAsync(partition, recovered, cancellationToken);
            _recovering[partition] = null;
            Log.PartitionRecovered(_logger, partition, recovered.Count);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.PartitionRecoveryFailed(_logger, partition, ex);
        }
    }

    private async Task<int> HeartbeatAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        await _storage.Hosts.UpsertEntityAsync(new TableEntity("hosts", HostId) { ["Seen"] = now }, TableUpdateMode.Replace, cancellationToken);
        var horizon = now - (3 * _options.LeaseRenewInterval) - TimeSpan.FromSeconds(2);
        var live = 0;
        await foreach (var row in _storage.Hosts.QueryAsync<TableEntity>(e => e.PartitionKey == "hosts", cancellationToken: cancellationToken))
        {
            if (row.GetDateTimeOffset("Seen") is { } seen && seen >= horizon)
            {
                live++;
            }
            else if (row.GetDateTimeOffset("Seen") is { } old && old < now - TimeSpan.FromMinutes(10))
            {
                // A process that died long ago: forget it (any process may clean up; a lost race is harmless).
                try
                {
                    await _storage.Hosts.DeleteEntityAsync(row.PartitionKey, row.RowKey, row.ETag, cancellationToken);
                }
                catch (RequestFailedException)
                {
                    // Someone else deleted or refreshed it.
                }
            }
        }

        return Math.Max(1, live);
    }

    private async Task ReleaseAsync(int partition, CancellationToken deadline)
    {
        if (_leases[partition] is not { } lease)
        {
            return;
        }

        _partitions[partition] = PartitionState.Releasing;
        await StopPollingAsync(partition);
        while (_runtime.InFlight(partition) > 0 && !deadline.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), _time, deadline);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        _partitions[partition] = PartitionState.NotOwned;
        _leases[partition] = null;
        _recovering[partition] = null;
        _runtime.DropPartition(partition);
        try
        {
            await lease.ReleaseAsync(cancellationToken: CancellationToken.None);
        }
        catch (Exception ex) when (ex is RequestFailedException || StorageErrors.IsUnavailable(ex))
        {
            // Unreleased, the lease expires on its own after LeaseDuration.
            Log.PartitionLost(_logger, partition, ex);
        }

        Log.PartitionReleased(_logger, partition);
    }

    private void StartPolling(int partition)
    {
        var cts = new CancellationTokenSource();
        _pollers[partition] = cts;
        _pollTasks[partition] = Task.Run(() => PollAsync(partition, cts.Token));
    }

    private async Task StopPollingAsync(int partition)
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
            _ => AbandonAsync(partition, message));

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

        var failure = new WorkflowError("PoisonMessage",
            $"The host gave up on message {message.MessageId} for this instance: {reason}. The message is kept in queue '{_storage.PoisonQueue.Name}'.");
        _runtime.PostFromQueue(instanceId, null, failure, () => _sender.DeleteAsync(partition, message, null), _ => Task.CompletedTask);
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

    private async Task RefreshQueueDepthAsync(CancellationToken cancellationToken)
    {
        long depth = 0;
        foreach (var p in _partitions.Owned())
        {
            var properties = await _storage.ControlQueues[p].GetPropertiesAsync(cancellationToken);
            depth += properties.Value.ApproximateMessagesCount;
        }

        _metrics.QueueDepth = depth;
    }
}
