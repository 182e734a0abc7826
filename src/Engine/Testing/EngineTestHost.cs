using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Serverless.Engine.Decisions;
using Serverless.Engine.Definitions;

namespace Serverless.Engine.Testing;

/// <summary>
/// The in-memory reference host: runs definitions end to end through the decider on virtual time, with test
/// delegates standing in for activities and http calls. Deterministic; the other hosts' behaviour is checked against it.
/// </summary>
public sealed class EngineTestHost
{
    private readonly Dictionary<string, SortedDictionary<int, WorkflowPlan>> registry = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Func<ActivityCall, ActivityResult>> handlers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Instance> instances = new(StringComparer.Ordinal);
    private readonly PriorityQueue<(string InstanceId, WorkflowEvent Event), (DateTimeOffset Due, long Sequence)> queue = new();
    private readonly PlanOptions options;
    private long sequence;

    /// <summary>Creates a host whose virtual clock starts at <paramref name="start"/> (default 2026-01-01T00:00Z).</summary>
    public EngineTestHost(DateTimeOffset? start = null, PlanOptions? options = null)
    {
        Now = start ?? new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        this.options = options ?? PlanOptions.Default;
    }

    /// <summary>The virtual clock.</summary>
    public DateTimeOffset Now { get; private set; }

    /// <summary>Decisions made so far (a measure of work).</summary>
    public int DecisionCount { get; private set; }

    /// <summary>Registers a definition from JSON; returns its version (1, 2, ...).</summary>
    /// <exception cref="ArgumentException">The definition is invalid; the message lists every error.</exception>
    public int Register(string json)
    {
        var result = DefinitionParser.Parse(json);
        if (!result.IsValid)
        {
            throw new ArgumentException("Invalid definition: " + string.Join("; ", result.Errors.Select(e => $"{e.Path}: {e.Message}")));
        }

        return Register(result.Definition!);
    }

    /// <summary>Registers a parsed definition; returns its version.</summary>
    internal int Register(WorkflowDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (!registry.TryGetValue(definition.Name, out var versions))
        {
            registry[definition.Name] = versions = [];
        }

        var version = versions.Count + 1;
        versions[version] = WorkflowPlan.Compile(definition, version, options);
        return version;
    }

    /// <summary>Handles <c>activity</c> nodes naming <paramref name="activityOrNodeId"/>, or the <c>http</c> node with that id.</summary>
    public EngineTestHost Handle(string activityOrNodeId, Func<ActivityCall, ActivityResult> handler)
    {
        handlers[activityOrNodeId] = handler;
        return this;
    }

    /// <summary>Starts an instance and runs it until it is idle.</summary>
    public string Start(string workflow, JsonElement input, string? instanceId = null, int? version = null, bool run = true)
    {
        var plan = Resolve(workflow, version) ?? throw new ArgumentException($"Workflow '{workflow}' version {version?.ToString(CultureInfo.InvariantCulture) ?? "latest"} is not registered.");
        instanceId ??= string.Create(CultureInfo.InvariantCulture, $"{workflow}-{++sequence:D6}");
        Create(plan, instanceId, input, parent: null);
        if (run)
        {
            RunUntilIdle();
        }

        return instanceId;
    }

    /// <summary>Raises an event for an instance (queued like any event).</summary>
    public void RaiseEvent(string instanceId, string name, JsonElement payload) => Send(instanceId, new EventRaised(NextEventId(), name, payload));

    /// <summary>Terminates an instance.</summary>
    public void Terminate(string instanceId, string? reason = null) => Send(instanceId, new TerminateRequested(NextEventId(), reason));

    /// <summary>Suspends an instance.</summary>
    public void Suspend(string instanceId) => Send(instanceId, new SuspendRequested(NextEventId(), null));

    /// <summary>Resumes an instance.</summary>
    public void Resume(string instanceId) => Send(instanceId, new ResumeRequested(NextEventId(), null));

    /// <summary>Reruns a Failed instance from its failed nodes.</summary>
    public void Rerun(string instanceId) => Send(instanceId, new RerunRequested(NextEventId()));

    /// <summary>Queues any event for an instance, to be applied at the current virtual time.</summary>
    public void Send(string instanceId, WorkflowEvent @event) => Enqueue(instanceId, @event, Now);

    /// <summary>The current state of an instance.</summary>
    public InstanceState State(string instanceId) => instances[instanceId].State;

    /// <summary>The plan an instance runs.</summary>
    internal WorkflowPlan Plan(string instanceId) => instances[instanceId].Plan;

    /// <summary>Every event applied to an instance, with the time it was applied (for replay checks).</summary>
    public IReadOnlyList<(WorkflowEvent Event, DateTimeOffset At)> History(string instanceId) => instances[instanceId].History;

    /// <summary>Every command the decider emitted for an instance, in order.</summary>
    internal IReadOnlyList<WorkflowCommand> Commands(string instanceId) => instances[instanceId].Commands;

    /// <summary>Ids of the instances, parents and children, in creation order.</summary>
    public IReadOnlyList<string> InstanceIds => [.. instances.Keys];

    /// <summary>
    /// Applies queued events in time order, advancing the virtual clock to each timer or delayed result, until
    /// nothing is left or the clock would pass <paramref name="until"/>.
    /// </summary>
    public void RunUntilIdle(DateTimeOffset? until = null)
    {
        while (queue.TryPeek(out var item, out var due))
        {
            if (until is { } limit && due.Due > limit)
            {
                Now = limit;
                return;
            }

            queue.Dequeue();
            if (due.Due > Now)
            {
                Now = due.Due;
            }

            Apply(item.InstanceId, item.Event);
        }

        if (until is { } end && end > Now)
        {
            Now = end;
        }
    }

    /// <summary>Runs for <paramref name="duration"/> of virtual time.</summary>
    public void Advance(TimeSpan duration) => RunUntilIdle(Now + duration);

    private WorkflowPlan? Resolve(string workflow, int? version)
    {
        if (!registry.TryGetValue(workflow, out var versions) || versions.Count == 0)
        {
            return null;
        }

        return version is { } v ? versions.GetValueOrDefault(v) : versions.Values.Last();
    }

    private void Create(WorkflowPlan plan, string instanceId, JsonElement input, string? parent)
    {
        if (instances.ContainsKey(instanceId))
        {
            throw new ArgumentException($"Instance '{instanceId}' exists.");
        }

        instances[instanceId] = new Instance(plan, Decider.Create(plan, instanceId, input, Now), parent);
        Send(instanceId, new InstanceStarted(NextEventId()));
    }

    private string NextEventId() => "e" + (++sequence).ToString(CultureInfo.InvariantCulture);

    private void Enqueue(string instanceId, WorkflowEvent @event, DateTimeOffset due)
    {
        queue.Enqueue((instanceId, @event), (due, ++sequence));
    }

    private void Apply(string instanceId, WorkflowEvent @event)
    {
        var instance = instances[instanceId];
        var before = instance.State.Status;
        var decision = Decider.Decide(instance.Plan, instance.State, @event, Now);
        DecisionCount++;
        instance.State = decision.State;
        instance.History.Add((@event, Now));
        instance.Commands.AddRange(decision.Commands);
        foreach (var command in decision.Commands)
        {
            Carry(instanceId, instance, command);
        }

        if (instance.Parent is { } parent && before != decision.State.Status && decision.State.Status is InstanceStatus.Terminated)
        {
            Enqueue(parent, new ChildFailed(NextEventId(), instanceId, instance.Plan.Version, decision.State.Error!), Now);
        }
    }

    private void Carry(string instanceId, Instance instance, WorkflowCommand command)
    {
        switch (command)
        {
            case RunNode run:
                var node = instance.Plan.Nodes[run.NodeId].Definition;
                var handlerKey = node is ActivityNode a ? a.Activity : run.NodeId;
                var result = handlers.TryGetValue(handlerKey, out var handler)
                    ? handler(new ActivityCall(instanceId, run.Path, run.NodeId, run.Key, run.Input))
                    : ActivityResult.Failure(new WorkflowError(ErrorTypes.ActivityError, $"No test handler for '{handlerKey}'."));
                if (result.Hangs)
                {
                    break;
                }

                WorkflowEvent outcome = result.Error is { } error
                    ? new NodeFailed(NextEventId(), run.Key, error, result.RetryAfter)
                    : new NodeSucceeded(NextEventId(), run.Key, result.Output ?? JsonValues.Null);
                Enqueue(instanceId, outcome, Now + result.Duration);
                break;

            case StartTimer timer:
                Enqueue(instanceId, new TimerFired(NextEventId(), timer.TimerId), timer.DueAt);
                break;

            case StartChild child:
                var plan = Resolve(child.Workflow, child.Version);
                if (plan is null)
                {
                    Enqueue(instanceId, new ChildFailed(NextEventId(), child.ChildInstanceId, child.Version,
                        new WorkflowError(ErrorTypes.WorkflowNotFound, $"Workflow '{child.Workflow}' version {child.Version?.ToString(CultureInfo.InvariantCulture) ?? "latest"} is not registered.")), Now);
                }
                else if (!instances.ContainsKey(child.ChildInstanceId))
                {
                    Create(plan, child.ChildInstanceId, child.Input, instanceId);
                }

                break;

            case TerminateChild terminate when instances.ContainsKey(terminate.ChildInstanceId):
                Enqueue(terminate.ChildInstanceId, new TerminateRequested(NextEventId(), terminate.Reason), Now);
                break;

            case CompleteInstance complete when instance.Parent is { } parent:
                Enqueue(parent, new ChildCompleted(NextEventId(), instanceId, instance.Plan.Version, complete.Output), Now);
                break;

            case FailInstance fail when instance.Parent is { } parent:
                Enqueue(parent, new ChildFailed(NextEventId(), instanceId, instance.Plan.Version, fail.Error), Now);
                break;

            default:
                break;
        }
    }

    private sealed class Instance(WorkflowPlan plan, InstanceState state, string? parent)
    {
        public WorkflowPlan Plan { get; } = plan;

        public InstanceState State { get; set; } = state;

        public string? Parent { get; } = parent;

        public List<(WorkflowEvent, DateTimeOffset)> History { get; } = [];

        public List<WorkflowCommand> Commands { get; } = [];
    }
}
