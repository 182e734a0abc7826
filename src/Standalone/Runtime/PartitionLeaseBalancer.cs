using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.Options;
using Serverless.Standalone.Storage;

namespace Serverless.Standalone.Runtime;

/// <summary>
/// Shares the task hub's partitions among host processes. Each process heartbeats a row in <c>{hub}Hosts</c>, counts
/// the live ones, and holds blob leases on at most ceil(partitions / live hosts) partitions: it takes free ones and
/// hands extra ones over (stop polling, let in-flight work finish and save, then release). The lease is what makes a
/// process the only writer of a partition's instances; the state row's ETag catches a process that lost its lease
/// while stalled. Owning a partition means recovering its active instances and polling its control queue (through
/// <see cref="ControlQueuePoller"/>).
/// </summary>
internal sealed class PartitionLeaseBalancer : BackgroundService
{
    private readonly TaskHubStorage _storage;
    private readonly PartitionTable _partitions;
    private readonly InstanceRuntime _runtime;
    private readonly NodeWorkRunner _runner;
    private readonly ControlQueuePoller _poller;
    private readonly StartupPriming _priming;
    private readonly TimeProvider _time;
    private readonly StandaloneHostOptions _options;
    private readonly ILogger<PartitionLeaseBalancer> _logger;
    private readonly BlobLeaseClient?[] _leases;
    private readonly HashSet<string>?[] _recovering;
    private readonly string _leaseId = Guid.NewGuid().ToString();

    public PartitionLeaseBalancer(
        TaskHubStorage storage,
        PartitionTable partitions,
        InstanceRuntime runtime,
        NodeWorkRunner runner,
        ControlQueuePoller poller,
        StartupPriming priming,
        TimeProvider time,
        IOptions<StandaloneHostOptions> options,
        ILogger<PartitionLeaseBalancer> logger)
    {
        _storage = storage;
        _partitions = partitions;
        _runtime = runtime;
        _runner = runner;
        _poller = poller;
        _priming = priming;
        _time = time;
        _options = options.Value;
        _logger = logger;
        _leases = new BlobLeaseClient?[_options.Partitions];
        _recovering = new HashSet<string>?[_options.Partitions];
        HostId = $"{Environment.MachineName}-{Environment.ProcessId}-{_leaseId[..8]}".ToLowerInvariant();
    }

    public string HostId { get; }

    /// <summary>Completed once storage exists and the first lease round ran.</summary>
    public TaskCompletionSource Ready { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Log.HostStarted(_logger, HostId, _storage.TaskHub, _options.Partitions);

        // The start-up priming begins with what needs no storage while the task hub is set up; the host is ready once it
        // and the first lease round are over.
        var storageReady = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var priming = Task.Run(() => PrimeAsync(storageReady.Task, stoppingToken), CancellationToken.None);
        while (true)
        {
            try
            {
                await SetUpStorageAsync(stoppingToken);
                storageReady.TrySetResult();
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
                if (!Ready.Task.IsCompleted)
                {
                    await priming;
                    Ready.TrySetResult();
                }

                if (_time.GetElapsedTime(lastDepth == long.MinValue ? 0 : lastDepth) > TimeSpan.FromSeconds(10) || lastDepth == long.MinValue)
                {
                    lastDepth = _time.GetTimestamp();
                    await _poller.RefreshQueueDepthAsync(_partitions.Owned(), stoppingToken);
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

    // Before the host is ready: what a fresh process's first instance would otherwise set up (StartupPriming), so the
    // first requests a load balancer sends it run at the speed of the following ones. It costs about 0.2 s of readiness
    // on 2 cores (docs/performance.md, cold start). A failure is logged and the host gets ready all the same.
    private async Task PrimeAsync(Task storageReady, CancellationToken stoppingToken)
    {
        try
        {
            await _priming.RunAsync(HostId, storageReady, stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            Log.PrimingFailed(_logger, ex);
        }

        // The start-up's garbage (configuration, DI, the expression engine, the priming) is collected now, in a full
        // collection before the host is ready, instead of in the first gen2 collection it would otherwise cause during
        // the first requests (30-50 ms, docs/performance.md, cold start).
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: false);
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
            Log.HeartbeatNotDeleted(_logger, HostId, ex);
        }
    }

    /// <summary>
    /// Creates what is missing of the task hub, and one lease blob per partition. The lease blobs are written while the
    /// containers are being created: on a task hub that exists (every start but the first) that saves a round trip to
    /// storage; on a new one a write that finds no container waits for the creation and writes again.
    /// </summary>
    private async Task SetUpStorageAsync(CancellationToken cancellationToken)
    {
        var created = _storage.EnsureCreatedAsync(cancellationToken);
        await Task.WhenAll(Enumerable.Range(0, _options.Partitions).Select(p => EnsureLeaseBlobAsync(p, created, cancellationToken)).Append(created));
    }

    private async Task EnsureLeaseBlobAsync(int partition, Task created, CancellationToken cancellationToken)
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
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // The container is being created.
            await created;
            await EnsureLeaseBlobAsync(partition, Task.CompletedTask, cancellationToken);
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
            if (_leases[p] is { } lease && _partitions[p] == PartitionState.Owned && !await TryRenewAsync(p, lease, cancellationToken))
            {
                await _poller.StopAsync(p);
                _partitions[p] = PartitionState.NotOwned;
                _leases[p] = null;
                _recovering[p] = null;
                _runtime.DropPartition(p);
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

        // Start at a per-host offset so hosts starting together do not all race for partition 0. The leases are asked for
        // at once (as many as this process lacks), and the partitions taken are recovered at once.
        var offset = (int)((uint)HostId.GetHashCode(StringComparison.Ordinal) % (uint)_options.Partitions);
        var free = new Queue<int>(Enumerable.Range(0, _options.Partitions).Select(i => (i + offset) % _options.Partitions).Where(p => _leases[p] is null));
        while (owned.Count < target && free.Count > 0)
        {
            var asked = Enumerable.Range(0, Math.Min(target - owned.Count, free.Count)).Select(_ => free.Dequeue()).ToList();
            var attempts = asked.Select(p => TryAcquireAsync(p, cancellationToken)).ToList();
            try
            {
                await Task.WhenAll(attempts);
            }
            catch (Exception) when (attempts.Any(a => a.IsCompletedSuccessfully))
            {
                // The leases that were granted are recorded first; the failure is thrown below.
            }

            var taken = new List<int>();
            for (var i = 0; i < asked.Count; i++)
            {
                if (attempts[i].IsCompletedSuccessfully && attempts[i].Result is { } lease)
                {
                    var p = asked[i];
                    _leases[p] = lease;
                    owned.Add(p);
                    _partitions[p] = PartitionState.Owned;
                    _recovering[p] = new HashSet<string>(StringComparer.Ordinal);
                    Log.PartitionAcquired(_logger, p);
                    taken.Add(p);
                }
            }

            await Task.WhenAll(taken.Select(async p =>
            {
                await RecoverAsync(p, cancellationToken);
                _poller.Start(p);
            }));
            if (attempts.FirstOrDefault(a => a.IsFaulted) is { } failed)
            {
                await failed;
            }
        }
    }

    /// <summary>
    /// Renews a held lease; false when storage refused it (another process may own the partition now). Storage that does
    /// not answer throws: it decides nothing.
    /// </summary>
    private async Task<bool> TryRenewAsync(int partition, BlobLeaseClient lease, CancellationToken cancellationToken)
    {
        try
        {
            await lease.RenewAsync(cancellationToken: cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (!StorageErrors.IsUnavailable(ex))
        {
            Log.PartitionLost(_logger, partition, ex);
            return false;
        }
    }

    /// <summary>Takes a partition's lease; null when another process holds it.</summary>
    private async Task<BlobLeaseClient?> TryAcquireAsync(int partition, CancellationToken cancellationToken)
    {
        var lease = _storage.Leases.GetBlobClient(LeaseBlobName(partition)).GetBlobLeaseClient(_leaseId);
        try
        {
            await lease.AcquireAsync(_options.LeaseDuration, cancellationToken: cancellationToken);
            return lease;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return null;
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
                catch (RequestFailedException ex)
                {
                    // Someone else deleted or refreshed it.
                    Log.DeadHostNotForgotten(_logger, row.RowKey, ex.Status);
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
        await _poller.StopAsync(partition);
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

        if (_runtime.InFlight(partition) is var left and > 0)
        {
            // The time ran out: the next owner re-issues what the saved states owe, and the ETags stop stale saves.
            Log.ReleasedWithWorkInFlight(_logger, partition, left);
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

}
