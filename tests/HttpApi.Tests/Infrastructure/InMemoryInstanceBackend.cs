using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Serverless.Engine.Api;
using Serverless.Engine.Decisions;
using Serverless.Engine.Telemetry;
using Serverless.Engine.Testing;

namespace Serverless.HttpApi.Tests.Infrastructure;

/// <summary>
/// An <see cref="IInstanceBackend"/> in memory: instances run to idle on the engine's reference host (virtual time), so
/// node detail and reruns see real decider state. Counts the calls that reach it.
/// </summary>
internal sealed class InMemoryInstanceBackend : IInstanceBackend
{
    public const string TaskHub = "test-hub";
    public const string Connection = "Storage";

    private readonly Lock _gate = new();
    private readonly EngineTestHost _engine = new(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
    private readonly Dictionary<string, (string Workflow, int Version, JsonElement Input)> _starts = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Workflow, int Version), int> _engineVersions = [];
    private readonly HashSet<string> _withoutState = new(StringComparer.Ordinal);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _waiting;

    /// <summary>How many calls reached the backend (rejected requests must not reach it).</summary>
    public int Calls { get; private set; }

    /// <summary>
    /// Whether <see cref="WaitForChangeAsync"/> wakes on a change (as the standalone host's own saves do); when false
    /// it never does, as on Durable Task, and only the handler's reads at an interval see changes.
    /// </summary>
    public bool SignalsChanges { get; set; } = true;

    /// <summary>Calls of <see cref="WaitForChangeAsync"/> still waiting.</summary>
    public int Waiting
    {
        get
        {
            lock (_gate)
            {
                return _waiting;
            }
        }
    }

    /// <summary>Instances that exist but have no recorded state yet (as before a durable instance's first checkpoint).</summary>
    public void ForgetState(string instanceId)
    {
        lock (_gate)
        {
            _withoutState.Add(instanceId);
        }
    }

    public InstanceState State(string instanceId)
    {
        lock (_gate)
        {
            return _engine.State(instanceId);
        }
    }

    public Task<StartConflict?> StartAsync(WorkflowPlan workflow, string instanceId, JsonElement input, InstanceTrace trace, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Calls++;
            if (_starts.TryGetValue(instanceId, out var existing))
            {
                var same = existing.Workflow == workflow.Name && existing.Version == workflow.Version && JsonElement.DeepEquals(existing.Input, input);
                return Task.FromResult(same ? null : new StartConflict(existing.Workflow, existing.Version));
            }

            if (!_engineVersions.TryGetValue((workflow.Name, workflow.Version), out var engineVersion))
            {
                engineVersion = _engine.Register(workflow.Definition);
                _engineVersions[(workflow.Name, workflow.Version)] = engineVersion;
            }

            _starts[instanceId] = (workflow.Name, workflow.Version, input.Clone());
            _engine.Start(workflow.Name, input, instanceId, engineVersion);
            return Task.FromResult<StartConflict?>(null);
        }
    }

    public Task<NodeStateLookup> GetNodeStateAsync(string instanceId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Calls++;
            return Task.FromResult(
                !_starts.ContainsKey(instanceId) ? NodeStateLookup.NotFound
                : _withoutState.Contains(instanceId) ? new NodeStateLookup(true, null)
                : new NodeStateLookup(true, _engine.State(instanceId), _engine.Plan(instanceId)));
        }
    }

    public Task<RerunResult> RerunAsync(string instanceId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Calls++;
            if (!_starts.ContainsKey(instanceId))
            {
                return Task.FromResult(RerunResult.NotFound);
            }

            var state = _engine.State(instanceId);
            if (state.Status != InstanceStatus.Failed)
            {
                return Task.FromResult(RerunResult.NotFailed(state.Status.ToString()));
            }

            if (_withoutState.Contains(instanceId))
            {
                return Task.FromResult(RerunResult.NoFinalState);
            }

            _engine.Advance(TimeSpan.FromMilliseconds(1));
            _engine.Rerun(instanceId);
            _engine.RunUntilIdle();
            Changed();
            return Task.FromResult(RerunResult.Accepted);
        }
    }

    public async Task WaitForChangeAsync(string instanceId, CancellationToken cancellationToken)
    {
        Task changed;
        lock (_gate)
        {
            _waiting++;
            changed = SignalsChanges ? _changed.Task : Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        }

        try
        {
            await changed.WaitAsync(cancellationToken);
        }
        finally
        {
            lock (_gate)
            {
                _waiting--;
            }
        }
    }

    public CheckStatusResponse CreateCheckStatus(HttpRequest request, string instanceId)
        => CheckStatusResponse.FromRequest(request, instanceId, TaskHub, Connection);

    public Task<InstanceStatusAnswer?> GetStatusAsync(string instanceId, StatusQuery show, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Calls++;
            return Task.FromResult(_starts.ContainsKey(instanceId)
                ? new InstanceStatusAnswer(show.Build(_engine.State(instanceId), _engine.Plan(instanceId)), _engine.State(instanceId).Status.IsFinal)
                : null);
        }
    }

    /// <summary>Pages in ordinal id order; the token is the last id of the page, wrapped as the hosts wrap theirs.</summary>
    public Task<InstanceStatusPage?> ListAsync(InstanceQuery query, string? continuationToken, StatusQuery show, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Calls++;
            var filter = $"{query.InstanceIdPrefix}|{string.Join(',', query.Statuses)}|{query.CreatedFrom:O}|{query.CreatedTo:O}";
            string? after = null;
            if (continuationToken is not null && !ListToken.TryRead(continuationToken, filter, out after))
            {
                return Task.FromResult<InstanceStatusPage?>(null);
            }

            var selected = _starts.Keys
                .Where(id => after is null || string.CompareOrdinal(id, after) > 0)
                .Where(id => query.InstanceIdPrefix is null || id.StartsWith(query.InstanceIdPrefix, StringComparison.Ordinal))
                .Select(_engine.State)
                .Where(s => query.Statuses.Count == 0 || query.Statuses.Contains(s.Status))
                .Where(s => (query.CreatedFrom is null || s.CreatedAt >= query.CreatedFrom) && (query.CreatedTo is null || s.CreatedAt < query.CreatedTo))
                .OrderBy(s => s.InstanceId, StringComparer.Ordinal)
                .ToList();
            var page = selected.Take(query.Top).ToList();
            var next = selected.Count > query.Top ? ListToken.Write(page[^1].InstanceId, filter) : null;
            return Task.FromResult<InstanceStatusPage?>(new InstanceStatusPage([.. page.Select(s => show.Build(s, _engine.Plan(s.InstanceId)))], next));
        }
    }

    public Task<ApiError?> RaiseEventAsync(string instanceId, string eventName, JsonElement payload, CancellationToken cancellationToken)
        => SignalAsync(instanceId, () => _engine.RaiseEvent(instanceId, eventName, payload.Clone()));

    public Task<ApiError?> TerminateAsync(string instanceId, string? reason, CancellationToken cancellationToken)
        => SignalAsync(instanceId, () => _engine.Terminate(instanceId, reason));

    public Task<ApiError?> SuspendAsync(string instanceId, string? reason, CancellationToken cancellationToken)
        => SignalAsync(instanceId, () => _engine.Suspend(instanceId));

    public Task<ApiError?> ResumeAsync(string instanceId, string? reason, CancellationToken cancellationToken)
        => SignalAsync(instanceId, () => _engine.Resume(instanceId));

    public Task<ApiError?> PurgeAsync(string instanceId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Calls++;
            if (!_starts.ContainsKey(instanceId))
            {
                return Task.FromResult<ApiError?>(InstanceErrors.NotFound(instanceId));
            }

            var status = _engine.State(instanceId).Status;
            if (!status.IsFinal)
            {
                return Task.FromResult<ApiError?>(InstanceErrors.NotFinal(instanceId, status.ToString()));
            }

            _starts.Remove(instanceId);
            Changed();
            return Task.FromResult<ApiError?>(null);
        }
    }

    private Task<ApiError?> SignalAsync(string instanceId, Action signal)
    {
        lock (_gate)
        {
            Calls++;
            if (!_starts.ContainsKey(instanceId))
            {
                return Task.FromResult<ApiError?>(InstanceErrors.NotFound(instanceId));
            }

            if (_engine.State(instanceId).Status.IsFinal)
            {
                return Task.FromResult<ApiError?>(InstanceErrors.Final(instanceId));
            }

            // A moment passes, so the change gets a lastUpdatedTime of its own.
            _engine.Advance(TimeSpan.FromMilliseconds(1));
            signal();
            _engine.RunUntilIdle();
            Changed();
            return Task.FromResult<ApiError?>(null);
        }
    }

    // Called under the gate: wakes every waiter and arms the next signal.
    private void Changed()
    {
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }
}
