using System.Collections.Immutable;
using System.Text.Json;
using Serverless.Engine.Api;
using Serverless.Engine.Decisions;
using Serverless.Engine.Execution;
using Serverless.Engine.Testing;
using Serverless.Testing;

namespace Serverless.Conformance.Tests.Runners;

/// <summary>
/// The reference: <see cref="EngineTestHost"/> (the decider in memory, on virtual time), with every activity answered
/// by <see cref="ScriptedActivities"/>. Pauses advance the virtual clock, so a 2 s timeout costs no real time.
/// Not thread-safe; the fixture runs its scenarios one after another.
/// </summary>
internal sealed class EngineTestHostRunner : IWorkflowRunner
{
    /// <summary>Virtual time one poll lets pass.</summary>
    public static readonly TimeSpan PollStep = TimeSpan.FromMilliseconds(100);

    private static readonly string[] ActivityNames = ["echo", "double", "flaky", "throttled", "fail", "fail-first-epoch", "big"];
    private readonly EngineTestHost _host = new();

    /// <summary>Creates the host with the scripted activities.</summary>
    public EngineTestHostRunner()
    {
        foreach (var name in ActivityNames)
        {
            _host.Handle(name, call => ToResult(Activities.Run(name, call.Key, call.Input)));
        }
    }

    /// <inheritdoc/>
    public string Name => "EngineTestHost";

    /// <inheritdoc/>
    public ScriptedActivities Activities { get; } = new();

    /// <summary>The host itself (for checks only the reference can make).</summary>
    public EngineTestHost Host => _host;

    /// <inheritdoc/>
    public Task RegisterAsync(string definitionJson, CancellationToken cancellationToken)
    {
        _host.Register(definitionJson);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task StartAsync(string workflow, string instanceId, JsonElement input, CancellationToken cancellationToken)
    {
        // Run only what is due now: a timer or a timeout must not fire before the scenario's next step.
        _host.Start(workflow, input, instanceId, run: false);
        _host.RunUntilIdle(_host.Now);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task RaiseEventAsync(string instanceId, string name, JsonElement payload, CancellationToken cancellationToken)
        => SendNow(() => _host.RaiseEvent(instanceId, name, payload));

    /// <inheritdoc/>
    public Task TerminateAsync(string instanceId, string reason, CancellationToken cancellationToken)
        => SendNow(() => _host.Terminate(instanceId, reason));

    /// <inheritdoc/>
    public Task SuspendAsync(string instanceId, CancellationToken cancellationToken) => SendNow(() => _host.Suspend(instanceId));

    /// <inheritdoc/>
    public Task ResumeAsync(string instanceId, CancellationToken cancellationToken) => SendNow(() => _host.Resume(instanceId));

    /// <inheritdoc/>
    public Task RerunAsync(string instanceId, CancellationToken cancellationToken) => SendNow(() => _host.Rerun(instanceId));

    /// <inheritdoc/>
    public Task<InstanceProgress?> GetProgressAsync(string instanceId, CancellationToken cancellationToken)
    {
        if (!_host.InstanceIds.Contains(instanceId))
        {
            return Task.FromResult<InstanceProgress?>(null);
        }

        var state = _host.State(instanceId);
        return Task.FromResult<InstanceProgress?>(new InstanceProgress(
            state.Status.ToString(),
            [.. state.Nodes.Where(n => n.Value.Status == NodeStatus.Running && !StatusBuilder.IsIteration(n.Key)).Select(n => n.Key)]));
    }

    /// <inheritdoc/>
    public Task WaitForFinalAsync(string instanceId, CancellationToken cancellationToken)
        => Poll.ProgressAsync(this, instanceId, p => p.IsFinal, "a final status", cancellationToken);

    /// <inheritdoc/>
    public Task<InstanceResult> ReadAsync(string instanceId, CancellationToken cancellationToken)
    {
        var state = _host.State(instanceId);
        return Task.FromResult(new InstanceResult(
            state.Status.ToString(),
            state.Workflow,
            state.Status == InstanceStatus.Completed ? Json.Node(state.Output) : null,
            state.Error is { } error ? StatusBuilder.ErrorToJson(error) : null,
            ListNodes(state)));
    }

    /// <inheritdoc/>
    public Task PauseAsync(CancellationToken cancellationToken)
    {
        _host.Advance(PollStep);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Not applicable here: the in-memory host never stores or reads back a state (it creates every state itself), so
    /// there is nothing a newer engine could have written. The refusal itself lives in the engine
    /// (<see cref="StateSerializer.Deserialize"/> and <see cref="Decider.Decide"/>), which the scenario checks directly.
    /// </remarks>
    public Task<Refusal?> PlantNewerSemanticsAsync(string workflow, string instanceId, JsonElement input, CancellationToken cancellationToken)
        => Task.FromResult<Refusal?>(null);

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Every node and iteration of a state, as the per-node route lists them.</summary>
    public static ImmutableArray<NodeSummary> ListNodes(InstanceState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var nodes = ImmutableArray.CreateBuilder<NodeSummary>();
        string? after = null;
        do
        {
            var page = NodeDetails.List(state, NodeDetails.MaxTop, after);
            nodes.AddRange(page.Items.Select(item => NodeSummary.FromJson(item!)));
            after = page.ContinuationToken is null ? null : nodes[^1].Path;
        }
        while (after is not null);
        return nodes.ToImmutable();
    }

    private static ActivityResult ToResult(NodeOutcome outcome) => outcome switch
    {
        NodeOutcome.Succeeded s => ActivityResult.Success(s.Output),
        NodeOutcome.Failed f => ActivityResult.Failure(f.Error, f.RetryAfter),
        _ => throw new InvalidOperationException("Unknown outcome."),
    };

    private Task SendNow(Action send)
    {
        send();
        _host.RunUntilIdle(_host.Now);
        return Task.CompletedTask;
    }
}
