using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Serverless.Engine.Expressions;

namespace Serverless.Engine.Decisions;

/// <summary>
/// The working memory of one <see cref="Decider.Decide"/> call: builders over the input state, the commands emitted
/// so far, and a work list of nodes that became final (a work list, not recursion, so a 10,000-item foreach whose
/// bodies finish inline never grows the stack).
/// </summary>
internal sealed partial class DecisionContext
{
    private static readonly string[] StatusNames = ["pending", "running", "succeeded", "failed", "skipped", "cancelled"];

    private readonly WorkflowPlan plan;
    private readonly DateTimeOffset now;
    private readonly InstanceState original;
    private readonly ImmutableSortedDictionary<string, NodeState>.Builder nodes;
    private readonly ImmutableSortedDictionary<string, TimerState>.Builder timers;
    private readonly List<WorkflowCommand> commands = [];
    private readonly Queue<string> finals = new();
    private readonly Dictionary<string, int> rerunChildVersions = new(StringComparer.Ordinal);
    private ImmutableSortedDictionary<string, ImmutableQueue<RaisedEvent>> eventQueues;
    private ImmutableSortedDictionary<string, ImmutableQueue<string>> waiters;
    private ImmutableSortedSet<string> seenEvents;
    private ImmutableQueue<WorkflowEvent> deferred;
    private InstanceStatus status;
    private int epoch;
    private long sequence;
    private int remaining;
    private DateTimeOffset? startedAt;
    private DateTimeOffset? completedAt;
    private DateTimeOffset? rerunAt;
    private JsonElement? output;
    private WorkflowError? error;
    private InstanceInfo? instanceInfo;
    private bool changed;

    public DecisionContext(WorkflowPlan plan, InstanceState state, DateTimeOffset now)
    {
        this.plan = plan;
        this.now = now;
        original = state;
        nodes = state.Nodes.ToBuilder();
        timers = state.Timers.ToBuilder();
        eventQueues = state.EventQueues;
        waiters = state.Waiters;
        seenEvents = state.SeenEvents;
        deferred = state.Deferred;
        status = state.Status;
        epoch = state.Epoch;
        sequence = state.Sequence;
        remaining = state.Remaining;
        startedAt = state.StartedAt;
        completedAt = state.CompletedAt;
        rerunAt = state.RerunAt;
        output = state.Output;
        error = state.Error;
    }

    private string InstanceId => original.InstanceId;

    private int MaxValueBytes => plan.Options.MaxValueBytes;

    public Decision Finish()
    {
        if (!changed)
        {
            return new Decision(original, Commands());
        }

        var state = original with
        {
            Status = status,
            Epoch = epoch,
            Sequence = sequence,
            Remaining = remaining,
            StartedAt = startedAt,
            CompletedAt = completedAt,
            RerunAt = rerunAt,
            LastUpdatedAt = now,
            Output = output,
            Error = error,
            Nodes = nodes.ToImmutable(),
            Timers = timers.ToImmutable(),
            EventQueues = eventQueues,
            Waiters = waiters,
            SeenEvents = seenEvents,
            Deferred = deferred,
        };
        return new Decision(state, Commands());
    }

    private ImmutableArray<WorkflowCommand> Commands()
        => commands.Count == 0 ? ImmutableArray<WorkflowCommand>.Empty : ImmutableArray.CreateRange(commands);

    public void Apply(WorkflowEvent @event)
    {
        if (status is InstanceStatus.Completed or InstanceStatus.Terminated)
        {
            return;
        }

        if (status == InstanceStatus.Failed)
        {
            if (@event is RerunRequested)
            {
                Rerun();
            }

            return;
        }

        // Control events act on a Pending, Running or Suspended instance alike.
        switch (@event)
        {
            case TerminateRequested t:
                Terminate(t.Reason);
                return;
            case SuspendRequested when status != InstanceStatus.Suspended:
                changed = true;
                status = InstanceStatus.Suspended;
                return;
            case ResumeRequested when status == InstanceStatus.Suspended:
                Resume();
                return;
            case SuspendRequested or ResumeRequested or RerunRequested:
                return;
            default:
                break;
        }

        if (status == InstanceStatus.Suspended)
        {
            if (@event is not InstanceStarted || startedAt is null)
            {
                Defer(@event);
            }

            return;
        }

        switch (@event)
        {
            case InstanceStarted when status == InstanceStatus.Pending:
                Start();
                break;
            case EventRaised raised:
                Raise(raised);
                break;
            case NodeSucceeded s when status == InstanceStatus.Running:
                OnNodeSucceeded(s);
                break;
            case NodeFailed f when status == InstanceStatus.Running:
                OnNodeFailed(f);
                break;
            case TimerFired t when status == InstanceStatus.Running:
                OnTimerFired(t);
                break;
            case ChildCompleted c when status == InstanceStatus.Running:
                OnChildCompleted(c);
                break;
            case ChildFailed c when status == InstanceStatus.Running:
                OnChildFailed(c);
                break;
            default:
                break;
        }

        Drain();
    }

    // ---- instance lifecycle -------------------------------------------------------------------------------------

    private void Start()
    {
        changed = true;
        status = InstanceStatus.Running;
        startedAt = now;
        remaining = plan.Root.Nodes.Length;
        StartInstanceTimer();
        if (remaining == 0)
        {
            CompleteInstance();
            return;
        }

        foreach (var root in plan.Root.Roots)
        {
            TryDecide("", root);
        }
    }

    private void StartInstanceTimer()
    {
        if (plan.Definition.Timeout is { } timeout)
        {
            NewTimer(now + timeout, "", TimerPurpose.InstanceTimeout);
        }
    }

    private void Defer(WorkflowEvent @event)
    {
        if (deferred.Any(d => d.Id == @event.Id))
        {
            return;
        }

        changed = true;
        deferred = deferred.Enqueue(@event);
    }

    private void Resume()
    {
        changed = true;
        status = startedAt is null ? InstanceStatus.Pending : InstanceStatus.Running;
        var pending = deferred;
        deferred = ImmutableQueue<WorkflowEvent>.Empty;
        foreach (var @event in pending)
        {
            Apply(@event);
        }
    }

    private void Terminate(string? reason)
    {
        changed = true;
        CancelScope("", plan.Root, terminateChildren: false);
        CancelAllTimers();
        deferred = ImmutableQueue<WorkflowEvent>.Empty;
        status = InstanceStatus.Terminated;
        error = new WorkflowError(ErrorTypes.Terminated, string.IsNullOrEmpty(reason) ? "The instance was terminated." : reason);
        completedAt = now;
    }

    private void FailInstance(WorkflowError failure)
    {
        CancelScope("", plan.Root, terminateChildren: true);
        CancelAllTimers();
        status = InstanceStatus.Failed;
        error = failure;
        completedAt = now;
        commands.Add(new FailInstance(failure));
    }

    private void CompleteInstance()
    {
        JsonElement value;
        try
        {
            value = plan.Definition.Output is { } template
                ? template.Evaluate(ScopeOfAll("", plan.Root, null))
                : DefaultOutput("", plan.Root);
        }
        catch (ExpressionException ex)
        {
            FailInstance(ExpressionFailure("the workflow output", ex));
            return;
        }

        if (JsonValues.ByteSize(value) > MaxValueBytes)
        {
            FailInstance(TooLarge("the workflow output", value));
            return;
        }

        CancelAllTimers();
        status = InstanceStatus.Completed;
        output = value;
        completedAt = now;
        commands.Add(new CompleteInstance(value));
    }

    private void CancelAllTimers()
    {
        foreach (var id in timers.Keys.ToList())
        {
            timers.Remove(id);
            commands.Add(new CancelTimer(id));
        }
    }

    // ---- the work list ---------------------------------------------------------------------------------------------

    private void Drain()
    {
        while (finals.TryDequeue(out var path))
        {
            if (status != InstanceStatus.Running)
            {
                finals.Clear();
                return;
            }

            ProcessFinal(path);
        }
    }

    private void ProcessFinal(string path)
    {
        var state = nodes[path];
        var node = plan.Nodes[NodePath.NodeId(path)];
        var prefix = NodePath.Prefix(path);
        var unhandled = state.Status == NodeStatus.Failed && !node.FailureHandled;
        if (prefix.Length == 0)
        {
            remaining--;
            if (unhandled)
            {
                FailInstance(state.Error!);
                return;
            }

            DecideSuccessors(prefix, node);
            if (remaining == 0)
            {
                CompleteInstance();
            }

            return;
        }

        var iterationPath = prefix[..^1];
        var iteration = nodes[iterationPath];
        if (iteration.Status != NodeStatus.Running)
        {
            return;
        }

        nodes[iterationPath] = iteration with { Active = iteration.Active - 1 };
        if (unhandled)
        {
            EndIteration(iterationPath, state.Error);
            return;
        }

        DecideSuccessors(prefix, node);
        if (nodes[iterationPath].Active == 0)
        {
            EndIteration(iterationPath, null);
        }
    }

    private void DecideSuccessors(string prefix, PlanNode node)
    {
        foreach (var successor in node.Successors)
        {
            TryDecide(prefix, successor);
        }
    }

    private static bool IsFinal(NodeStatus status) => status is NodeStatus.Succeeded or NodeStatus.Failed or NodeStatus.Skipped or NodeStatus.Cancelled;

    private static bool Accepts(IReadOnlySet<string> outcomes, NodeState predecessor) => predecessor.Status switch
    {
        NodeStatus.Succeeded => outcomes.Contains(OutcomeNames.Succeeded) || (predecessor.Outcome is { } c && outcomes.Contains(c)),
        NodeStatus.Failed => outcomes.Contains(OutcomeNames.Failed),
        NodeStatus.Skipped => outcomes.Contains(OutcomeNames.Skipped),
        _ => false,
    };

    /// <summary>Decides a node once every predecessor is final: run it, or skip it.</summary>
    private void TryDecide(string prefix, PlanNode node)
    {
        var path = prefix + node.Id;
        if (nodes.ContainsKey(path))
        {
            return;
        }

        var accepted = true;
        foreach (var (predecessorId, outcomes) in node.Accepted)
        {
            if (!nodes.TryGetValue(prefix + predecessorId, out var predecessor) || !IsFinal(predecessor.Status))
            {
                return;
            }

            accepted &= Accepts(outcomes, predecessor);
        }

        if (!accepted)
        {
            Skip(path, node);
            return;
        }

        var state = new NodeState { NodeId = node.Id, Status = NodeStatus.Running, StartedAt = now };
        if (node.Definition.If is { } condition)
        {
            bool run;
            try
            {
                run = condition.EvaluateCondition(ScopeOf(prefix, node, null));
            }
            catch (ExpressionException ex)
            {
                FailNode(path, state, ExpressionFailure($"the 'if' of node '{path}'", ex));
                return;
            }

            if (!run)
            {
                Skip(path, node);
                return;
            }
        }

        Run(prefix, path, node, state);
    }

    private void Skip(string path, PlanNode node)
    {
        nodes[path] = new NodeState { NodeId = node.Id, Status = NodeStatus.Skipped, StartedAt = now, CompletedAt = now };
        finals.Enqueue(path);
    }

    private void Succeed(string path, NodeState state, PlanNode node, JsonElement raw, string? outcome = null)
    {
        var value = raw;
        if (node.Definition.Select is { } select)
        {
            try
            {
                value = select.Evaluate(ScopeOf(NodePath.Prefix(path), node, raw));
            }
            catch (ExpressionException ex)
            {
                FailNode(path, state, ExpressionFailure($"the 'select' of node '{path}'", ex));
                return;
            }
        }

        if (JsonValues.ByteSize(value) > MaxValueBytes)
        {
            FailNode(path, state, TooLarge($"the output of node '{path}'", value));
            return;
        }

        nodes[path] = state with
        {
            Status = NodeStatus.Succeeded,
            Output = value,
            Outcome = outcome,
            Error = null,
            CompletedAt = now,
            TimerId = null,
            Backoff = false,
        };
        finals.Enqueue(path);
    }

    private void FailNode(string path, NodeState state, WorkflowError failure)
    {
        nodes[path] = state with { Status = NodeStatus.Failed, Error = failure, CompletedAt = now, TimerId = null, Backoff = false };
        finals.Enqueue(path);
    }

    /// <summary>
    /// Evaluates a node's template, failing the node with <c>ExpressionError</c> when it throws; <c>secrets</c>, when
    /// not null (http requests), collects the result's secret references.
    /// </summary>
    private bool TryEvaluate(
        Template template, string path, PlanNode node, NodeState state, string what, out JsonElement value, List<SecretReference>? secrets = null)
    {
        try
        {
            value = TemplateCompiler.Evaluate(template, ScopeOf(NodePath.Prefix(path), node, null), secrets);
            return true;
        }
        catch (ExpressionException ex)
        {
            value = default;
            FailNode(path, state, ExpressionFailure($"the '{what}' of node '{path}'", ex));
            return false;
        }
    }

    // ---- errors ----------------------------------------------------------------------------------------------------

    private static WorkflowError ExpressionFailure(string where, ExpressionException ex)
        => new(ErrorTypes.ExpressionError, $"Evaluating {where} failed: {ex.Message} (expression: {ex.Expression})");

    private WorkflowError TooLarge(string what, JsonElement value)
        => new(ErrorTypes.OutputTooLarge, string.Create(CultureInfo.InvariantCulture,
            $"{char.ToUpperInvariant(what[0])}{what[1..]} is {JsonValues.ByteSize(value)} bytes; the limit is {MaxValueBytes} bytes."));

    // ---- timers ----------------------------------------------------------------------------------------------------

    private string NewTimer(DateTimeOffset dueAt, string path, TimerPurpose purpose)
    {
        sequence++;
        var id = "t" + sequence.ToString(CultureInfo.InvariantCulture);
        timers[id] = new TimerState(dueAt, path, purpose);
        commands.Add(new StartTimer(id, dueAt));
        return id;
    }

    private void CancelTimerOf(NodeState state)
    {
        if (state.TimerId is { } id && timers.Remove(id))
        {
            commands.Add(new CancelTimer(id));
        }
    }
}
