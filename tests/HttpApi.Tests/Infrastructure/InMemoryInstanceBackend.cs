using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Serverless.Engine.Decisions;
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

    /// <summary>How many calls reached the backend (rejected requests must not reach it).</summary>
    public int Calls { get; private set; }

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

    public Task<StartConflict?> StartAsync(WorkflowPlan workflow, string instanceId, JsonElement input, CancellationToken cancellationToken)
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
                : new NodeStateLookup(true, _engine.State(instanceId)));
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

            _engine.Rerun(instanceId);
            _engine.RunUntilIdle();
            return Task.FromResult(RerunResult.Accepted);
        }
    }

    public CheckStatusResponse CreateCheckStatus(HttpRequest request, string instanceId)
        => CheckStatusResponse.FromRequest(request, instanceId, TaskHub, Connection);
}
