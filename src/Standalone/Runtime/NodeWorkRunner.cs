using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Serverless.Engine;
using Serverless.Engine.Decisions;
using Serverless.Engine.Execution;
using Serverless.Standalone.Storage;
using Serverless.Standalone.Telemetry;

namespace Serverless.Standalone.Runtime;

/// <summary>
/// Runs node work in-process right after the state that asked for it was saved, at most
/// <see cref="StandaloneHostOptions.MaxConcurrentNodeWork"/> at once, and reports the outcome as an event. The same key
/// never runs twice at once in one process; across a crash it may run again (at-least-once, executors get the key).
/// </summary>
internal sealed class NodeWorkRunner : IDisposable
{
    private readonly INodeExecutor _executor;
    private readonly PartitionTable _partitions;
    private readonly HostMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<NodeWorkRunner> _logger;
    private readonly StandaloneHostOptions _options;
    private readonly SemaphoreSlim _slots;
    private readonly ConcurrentDictionary<string, byte> _running = new(StringComparer.Ordinal);
    private readonly long[] _inflight;
    private readonly CancellationTokenSource _stopping = new();

    public NodeWorkRunner(INodeExecutor executor, PartitionTable partitions, HostMetrics metrics, TimeProvider time, IOptions<StandaloneHostOptions> options, ILogger<NodeWorkRunner> logger)
    {
        _executor = executor;
        _partitions = partitions;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _options = options.Value;
        _slots = new SemaphoreSlim(_options.MaxConcurrentNodeWork);
        _inflight = new long[_options.Partitions];
    }

    /// <summary>Where outcomes go (set by the runtime).</summary>
    public Action<string, WorkflowEvent>? Completed { get; set; }

    public long InFlight(int partition) => Interlocked.Read(ref _inflight[partition]);

    public long TotalInFlight => _inflight.Sum(v => Interlocked.Read(ref v));

    /// <summary>Starts one attempt unless the partition is being handed over (then the outbox keeps it for the next owner).</summary>
    public void Start(InstanceState state, int partition, WorkflowPlan plan, RunNode command)
    {
        var instanceId = state.InstanceId;
        if (!_partitions.MayStart(partition))
        {
            Log.NodeWorkNotStarted(_logger, command.Key, instanceId, partition);
            return;
        }

        if (!_running.TryAdd(command.Key, 0))
        {
            // Already running here (a re-issued outbox): its result comes once.
            return;
        }

        if (!plan.Nodes.TryGetValue(command.NodeId, out var node))
        {
            _running.TryRemove(command.Key, out _);
            Completed?.Invoke(instanceId, new NodeFailed(EventIds.NodeDone(command.Key), command.Key,
                new WorkflowError(ErrorTypes.ValidationError, $"Node '{command.NodeId}' is not in workflow '{plan.Name}' version {plan.Version}.")));
            return;
        }

        Interlocked.Increment(ref _inflight[partition]);
        _ = Task.Run(async () =>
        {
            try
            {
                var outcome = await RunAsync(new NodeWork(instanceId, node.Definition, command)
                {
                    Workflow = state.Workflow,
                    Version = state.Version,
                    Trace = state.Trace,
                    Epoch = state.Epoch,
                    ScheduledAt = state.Nodes.TryGetValue(command.Path, out var decided) ? decided.CurrentAttemptStartedAt : null,
                });
                Completed?.Invoke(instanceId, outcome);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                // Aborted at shutdown: the saved outbox keeps the work for the partition's next owner.
                Log.NodeWorkAborted(_logger, command.Key, instanceId);
            }
            finally
            {
                _running.TryRemove(command.Key, out _);
                Interlocked.Decrement(ref _inflight[partition]);
            }
        });
    }

    private async Task<WorkflowEvent> RunAsync(NodeWork work)
    {
        var key = work.Command.Key;
        await _slots.WaitAsync(_stopping.Token);
        try
        {
            using var timeout = work.Command.Timeout is { } t ? new CancellationTokenSource(t, _time) : new CancellationTokenSource();
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _stopping.Token);
            NodeOutcome outcome;
            try
            {
                outcome = await _executor.ExecuteAsync(work, linked.Token);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                outcome = NodeOutcome.Failure(new WorkflowError(ErrorTypes.Timeout, $"Node '{work.Command.Path}' did not finish within {work.Command.Timeout}."));
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !_stopping.IsCancellationRequested)
            {
                Log.ExecutorThrew(_logger, key, ex);
                outcome = NodeOutcome.Failure(new WorkflowError(ErrorTypes.ActivityError, $"Node '{work.Command.Path}' threw {ex.GetType().Name}: {ex.Message}"));
            }

            _metrics.NodeExecuted();
            return outcome switch
            {
                NodeOutcome.Succeeded ok when JsonSize(ok.Output) > _options.MaxPayloadBytes => new NodeFailed(EventIds.NodeDone(key), key,
                    new WorkflowError(ErrorTypes.OutputTooLarge, $"Node '{work.Command.Path}' returned {JsonSize(ok.Output)} bytes; the limit is {_options.MaxPayloadBytes}.")),
                NodeOutcome.Succeeded ok => new NodeSucceeded(EventIds.NodeDone(key), key, ok.Output),
                NodeOutcome.Failed failed => new NodeFailed(EventIds.NodeDone(key), key, failed.Error, failed.RetryAfter),
                _ => throw new InvalidOperationException("Unknown outcome."),
            };
        }
        finally
        {
            _slots.Release();
        }
    }

    private static int JsonSize(JsonElement element) => element.ValueKind == JsonValueKind.Undefined ? 0 : element.GetRawText().Length;

    /// <summary>Cancels work that has not finished (used when shutdown runs out of time).</summary>
    public void Abort() => _stopping.Cancel();

    public void Dispose()
    {
        _stopping.Dispose();
        _slots.Dispose();
    }
}
