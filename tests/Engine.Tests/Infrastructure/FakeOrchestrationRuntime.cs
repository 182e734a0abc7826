using System.Collections.Immutable;
using System.Text.Json;
using System.Threading.Channels;
using Serverless.Engine.Decisions;
using Serverless.Engine.Definitions;
using Serverless.Engine.Execution;
using Serverless.Engine.Replay;

namespace Serverless.Engine.Tests.Infrastructure;

/// <summary>
/// An in-memory <see cref="IOrchestrationRuntime"/>: every call is logged as text and announced on a channel, and the
/// test completes the returned tasks by hand, so a run is a conversation the test can replay exactly.
/// </summary>
internal sealed class FakeOrchestrationRuntime : IOrchestrationRuntime
{
    private readonly Channel<string> _calls = Channel.CreateUnbounded<string>();
    private readonly object _gate = new();

    public FakeOrchestrationRuntime(DateTimeOffset now, DefinitionSnapshot? definition)
    {
        UtcNow = now;
        Definition = definition;
    }

    public string InstanceId { get; init; } = "order-1";

    public bool IsReplaying { get; set; }

    public DateTimeOffset UtcNow { get; set; }

    public DefinitionSnapshot? Definition { get; }

    public List<string> Log { get; } = [];

    public Dictionary<string, TaskCompletionSource<NodeOutcome>> Nodes { get; } = [];

    public List<(string TimerId, DateTimeOffset DueAt, CancellationToken Token, TaskCompletionSource Fire)> Timers { get; } = [];

    public List<(string Name, TaskCompletionSource<JsonElement> Arrival)> Waits { get; } = [];

    public Dictionary<string, TaskCompletionSource<ChildOutcome>> Children { get; } = [];

    public List<object?> Statuses { get; } = [];

    public OrchestrationInput? ContinuedWith { get; private set; }

    public Task<DefinitionSnapshot?> LoadDefinitionAsync(string workflow, int? version)
    {
        Record($"load {workflow} {version?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "latest"}");
        return Task.FromResult(Definition);
    }

    public Task<NodeOutcome> RunNodeAsync(NodeActivityRequest request)
    {
        var tcs = new TaskCompletionSource<NodeOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            Nodes[request.Command.Key] = tcs;
        }

        Record($"run {request.Command.Key} {request.Workflow}@{request.Version}");
        return tcs.Task;
    }

    public Task CreateTimer(DateTimeOffset dueAt, CancellationToken cancellationToken)
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cancellationToken.Register(() => tcs.TrySetCanceled(cancellationToken));
        lock (_gate)
        {
            Timers.Add(($"#{Timers.Count}", dueAt, cancellationToken, tcs));
        }

        Record($"timer {dueAt:O}");
        return tcs.Task;
    }

    public Task<JsonElement> WaitForEventAsync(string name)
    {
        var tcs = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            Waits.Add((name, tcs));
        }

        Record($"wait {name}");
        return tcs.Task;
    }

    public Task<ChildOutcome> RunChildAsync(ChildRequest request)
    {
        var tcs = new TaskCompletionSource<ChildOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            Children[request.ChildInstanceId] = tcs;
        }

        Record($"child {request.ChildInstanceId} {request.Workflow}@{request.Version?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "latest"}");
        return tcs.Task;
    }

    public Task TerminateChildAsync(string childInstanceId, string reason)
    {
        Record($"terminate {childInstanceId} {reason}");
        return Task.CompletedTask;
    }

    public List<Continuation> Checkpoints { get; } = [];

    public Task SaveCheckpointAsync(Continuation checkpoint)
    {
        lock (_gate)
        {
            Checkpoints.Add(checkpoint);
        }

        Record("checkpoint");
        return Task.CompletedTask;
    }

    public void SetCustomStatus(object? status)
    {
        lock (_gate)
        {
            Statuses.Add(status);
        }
    }

    public void ContinueAsNew(OrchestrationInput input)
    {
        ContinuedWith = input;
        Record("continue-as-new");
    }

    /// <summary>Reads calls up to and including the next one starting with <paramref name="prefix"/>.</summary>
    public async Task<string> NextAsync(string prefix, CancellationToken cancellationToken)
    {
        while (true)
        {
            var call = await _calls.Reader.ReadAsync(cancellationToken);
            if (call.StartsWith(prefix, StringComparison.Ordinal))
            {
                return call;
            }
        }
    }

    private void Record(string call)
    {
        lock (_gate)
        {
            Log.Add(call);
        }

        _calls.Writer.TryWrite(call);
    }
}

/// <summary>A decider scripted by the test: it records every event and answers with the next scripted commands.</summary>
internal sealed class ScriptedDecider
{
    private readonly Func<WorkflowEvent, ImmutableArray<WorkflowCommand>> _script;

    public ScriptedDecider(Func<WorkflowEvent, ImmutableArray<WorkflowCommand>> script) => _script = script;

    public List<WorkflowEvent> Events { get; } = [];

    public Decision Decide(WorkflowPlan plan, InstanceState state, WorkflowEvent @event, DateTimeOffset now)
    {
        Events.Add(@event);
        return new Decision(state with { Status = InstanceStatus.Running, LastUpdatedAt = now, Sequence = state.Sequence + 1 }, _script(@event));
    }
}

internal static class ReplayFixtures
{
    public static readonly DateTimeOffset Start = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    public static DefinitionSnapshot Snapshot { get; } = new(3, """{"name":"order","nodes":{}}""");

    public static WorkflowPlan Plan(DefinitionSnapshot snapshot) => WorkflowPlan.Compile(
        new WorkflowDefinition("order", null, null, NodeDefaults.None, ImmutableArray<NodeDefinition>.Empty, null),
        snapshot.Version);

    public static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    public static RunNode Run(string key) => new(key, key, key, Json("{}"), null);

    public static OrchestrationInput Input { get; } = new("order", 3, Json("""{"id":7}"""));
}
