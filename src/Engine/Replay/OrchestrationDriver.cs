using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using Serverless.Engine.Api;
using Serverless.Engine.Decisions;
using Serverless.Engine.Execution;
using Serverless.Engine.Registry;
using Serverless.Engine.Telemetry;

namespace Serverless.Engine.Replay;

/// <summary>
/// Drives the decider inside a replaying durable orchestration: turns every command into a durable primitive of
/// <see cref="IOrchestrationRuntime"/>, awaits the first outstanding task with <c>Task.WhenAny</c>, feeds its result
/// back as an event, and repeats until the decider completes or fails the instance.
/// </summary>
/// <remarks>
/// <para>Replay safety comes from construction: the decider is pure, event ids are a sequence number, time is the
/// runtime's replay-safe clock, and tasks are kept in a list in the order they were started, so a replay over the same
/// history issues the same calls in the same order.</para>
/// <para>WARNING: no clock, randomness, I/O or unordered iteration may be added here; this runs on every replay.</para>
/// </remarks>
internal sealed class OrchestrationDriver
{
    private const string EventIdPrefix = "d";

    private readonly IOrchestrationRuntime _runtime;
    private readonly WorkflowCompiler _compiler;
    private readonly OrchestrationDriverOptions _options;
    private readonly List<Outstanding> _outstanding = [];
    private readonly Dictionary<string, TimerEntry> _timers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Outstanding> _waits = new(StringComparer.OrdinalIgnoreCase);
    private readonly Queue<WorkflowCommand> _pending = new();
    private readonly List<Task> _housekeeping = [];
    private WorkflowPlan? _plan;
    private InstanceState? _state;
    private long _sequence;
    private int _completions;
    private int _sinceCheckpoint;
    private int _work;

    /// <summary>
    /// Creates a driver over <paramref name="runtime"/> that compiles definitions with <paramref name="compiler"/> (the
    /// host's one compiler, so its limits apply here too).
    /// </summary>
    public OrchestrationDriver(IOrchestrationRuntime runtime, WorkflowCompiler compiler, OrchestrationDriverOptions? options = null)
    {
        _runtime = runtime ?? throw new ArgumentNullException(nameof(runtime));
        _compiler = compiler ?? throw new ArgumentNullException(nameof(compiler));
        _options = options ?? OrchestrationDriverOptions.Default;
        _options.Validate();
    }

    /// <summary>The decider; tests replace it to script commands.</summary>
    internal Func<WorkflowPlan, InstanceState, WorkflowEvent, DateTimeOffset, Decision> Decide { get; init; } = Decider.Decide;

    /// <summary>Compiles the loaded definition; tests replace it to run scripted plans.</summary>
    internal Func<string, DefinitionSnapshot, WorkflowPlan>? Compile { get; init; }

    /// <summary>The progress object published as custom status.</summary>
    internal Func<WorkflowPlan, InstanceState, object?> Progress { get; init; } = (plan, state) => StatusBuilder.BuildCustomStatus(state, plan);

    /// <summary>The current decider state (for diagnostics and tests).</summary>
    internal InstanceState? State => _state;

    /// <summary>
    /// Runs the instance to its end: returns the output when the decider completes it, throws
    /// <see cref="WorkflowFailedException"/> when it fails, and returns null after continuing as new.
    /// </summary>
    public async Task<JsonElement?> RunAsync(OrchestrationInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var snapshot = await _runtime.LoadDefinitionAsync(input.Workflow, input.Version)
            ?? throw new WorkflowFailedException(new WorkflowError(
                ErrorTypes.WorkflowNotFound,
                input.Version is { } v
                    ? $"Workflow '{input.Workflow}' version {v} is not registered."
                    : $"Workflow '{input.Workflow}' is not registered."));
        _plan = Compile is { } compile ? compile(input.Workflow, snapshot) : CompileDefinition(input.Workflow, snapshot);

        Decision decision;
        if (input.Continuation is { } continuation)
        {
            decision = Resume(continuation);
        }
        else
        {
            _state = Decider.Create(_plan, _runtime.InstanceId, input.Input, _runtime.UtcNow) with { Trace = input.Trace };
            decision = DecideAndObserve(new InstanceStarted(NextEventId()));
        }

        while (true)
        {
            _state = decision.State;
            _sinceCheckpoint++;
            var end = Apply(decision.Commands);
            _runtime.SetCustomStatus(Progress(_plan, _state));
            if (end is CompleteInstance complete)
            {
                SaveCheckpoint(input.Continuation?.Generation ?? 0);
                await FinishAsync();
                return complete.Output;
            }

            if (end is FailInstance fail)
            {
                SaveCheckpoint(input.Continuation?.Generation ?? 0);
                await FinishAsync();
                throw new WorkflowFailedException(fail.Error);
            }

            DispatchPending();

            // An already-finished task (an event its wait took) must reach the decider before the history is cut.
            if (_completions >= _options.HistoryBound && _work == 0 && !_outstanding.Exists(o => o.Task.IsCompleted))
            {
                var next = input with { Continuation = Capture(input.Continuation?.Generation ?? 0) };
                _housekeeping.Add(_runtime.SaveCheckpointAsync(next.Continuation!));
                await FinishAsync();
                _runtime.ContinueAsNew(next);
                return null;
            }

            if (_outstanding.Count == 0)
            {
                throw new InvalidOperationException(
                    $"Instance '{_runtime.InstanceId}' is {_state.Status} with nothing outstanding; the decider issued no command to finish it.");
            }

            // An instance that now only waits (for timers or events) records what it did since the last checkpoint, so
            // its node detail is current while it waits, and after a terminate, which the orchestration never sees.
            if (_work == 0 && _pending.Count == 0 && _sinceCheckpoint > 0 && !_outstanding.Exists(o => o.Task.IsCompleted))
            {
                SaveCheckpoint(input.Continuation?.Generation ?? 0);
            }

            var @event = await NextEventAsync(input.Continuation?.Generation ?? 0);
            decision = DecideAndObserve(@event);
        }
    }

    // WARNING: spans and metrics go out only when the event is new, never while replaying history.
    private Decision DecideAndObserve(WorkflowEvent @event)
    {
        var now = _runtime.UtcNow;
        var decision = Decide(_plan!, _state!, @event, now);
        if (!_runtime.IsReplaying)
        {
            DecisionTelemetry.Observe(_plan!, _state!, @event, decision.State, now);
        }

        return decision;
    }

    private WorkflowPlan CompileDefinition(string workflow, DefinitionSnapshot snapshot)
    {
        try
        {
            return _compiler.Compile(workflow, snapshot.Version, snapshot.Json);
        }
        catch (InvalidDefinitionException ex)
        {
            throw new WorkflowFailedException(new WorkflowError(ErrorTypes.ValidationError, ex.Message));
        }
    }

    private Decision Resume(Continuation continuation)
    {
        _state = StateSerializer.Deserialize(Convert.FromBase64String(continuation.State));
        _sequence = continuation.Sequence;
        foreach (var timer in continuation.Timers)
        {
            StartTimer(new StartTimer(timer.TimerId, timer.DueAt));
        }

        foreach (var name in continuation.Waits)
        {
            Wait(name);
        }

        foreach (var pending in continuation.Pending)
        {
            _pending.Enqueue(StateSerializer.DeserializeCommand(Encoding.UTF8.GetBytes(pending)));
        }

        return continuation.Rerun
            ? DecideAndObserve(new RerunRequested(NextEventId()))
            : new Decision(_state, ImmutableArray<WorkflowCommand>.Empty);
    }

    private void SaveCheckpoint(int generation)
    {
        _housekeeping.Add(_runtime.SaveCheckpointAsync(Capture(generation)));
        _sinceCheckpoint = 0;
    }

    private Continuation Capture(int generation) => new(
        Convert.ToBase64String(StateSerializer.Serialize(_state!)),
        _sequence,
        [.. _timers.Select(t => new ArmedTimer(t.Key, t.Value.DueAt)).OrderBy(t => t.DueAt).ThenBy(t => t.TimerId, StringComparer.Ordinal)],
        [.. _waits.Keys.Order(StringComparer.OrdinalIgnoreCase)],
        [.. _pending.Select(c => Encoding.UTF8.GetString(StateSerializer.Serialize(c)))],
        generation + 1);

    // Carries out every command but the final ones, which it returns (the decider issues at most one).
    private WorkflowCommand? Apply(ImmutableArray<WorkflowCommand> commands)
    {
        WorkflowCommand? end = null;
        foreach (var command in commands)
        {
            switch (command)
            {
                case RunNode or StartChild:
                    _pending.Enqueue(command);
                    break;
                case StartTimer timer:
                    StartTimer(timer);
                    break;
                case CancelTimer cancel:
                    CancelTimer(cancel.TimerId);
                    break;
                case WaitForEvent wait:
                    Wait(wait.Name);
                    break;
                case TerminateChild terminate:
                    _housekeeping.Add(_runtime.TerminateChildAsync(terminate.ChildInstanceId, terminate.Reason));
                    break;
                case CompleteInstance or FailInstance:
                    end ??= command;
                    break;
                default:
                    throw new InvalidOperationException($"Unknown command {command.GetType().Name}.");
            }
        }

        return end;
    }

    // Starts held-back work in order while there is room and the history bound is not reached.
    private void DispatchPending()
    {
        while (_pending.Count > 0 && _work < _options.MaxOutstandingWork && _completions < _options.HistoryBound)
        {
            var command = _pending.Dequeue();
            _work++;
            switch (command)
            {
                case RunNode run:
                    _outstanding.Add(new Outstanding(
                        OutstandingKind.Node,
                        run.Key,
                        _runtime.RunNodeAsync(new NodeActivityRequest(_runtime.InstanceId, _plan!.Name, _plan.Version, run)
                        {
                            Trace = _state!.Trace,
                            Epoch = _state.Epoch,
                            ScheduledAt = _state.Nodes.TryGetValue(run.Path, out var decided) ? decided.CurrentAttemptStartedAt : null,
                        })));
                    break;
                case StartChild child:
                    _outstanding.Add(new Outstanding(
                        OutstandingKind.Child,
                        child.ChildInstanceId,
                        _runtime.RunChildAsync(new ChildRequest(child.ChildInstanceId, child.Workflow, child.Version, child.Input)
                        {
                            Trace = _state!.Trace?.ForChild(_runtime.InstanceId, _state.Epoch),
                        })));
                    break;
            }
        }
    }

    private void StartTimer(StartTimer command)
    {
        CancelTimer(command.TimerId);
        var cts = new CancellationTokenSource();
        var entry = new Outstanding(OutstandingKind.Timer, command.TimerId, _runtime.CreateTimer(command.DueAt, cts.Token));
        _timers[command.TimerId] = new TimerEntry(entry, cts, command.DueAt);
        _outstanding.Add(entry);
    }

    private void CancelTimer(string timerId)
    {
        if (_timers.Remove(timerId, out var timer))
        {
            _outstanding.Remove(timer.Entry);
            timer.Cancellation.Cancel();
            timer.Cancellation.Dispose();
        }
    }

    private void Wait(string name)
    {
        if (!_waits.ContainsKey(name))
        {
            var entry = new Outstanding(OutstandingKind.Event, name, _runtime.WaitForEventAsync(name));
            _waits[name] = entry;
            _outstanding.Add(entry);
        }
    }

    private async Task<Outstanding> NextFinishedAsync()
    {
        // A completed task is taken in start order first, so a replay that delivers several at once decides alike.
        var done = _outstanding.Find(o => o.Task.IsCompleted);
        if (done is null)
        {
            var winner = await Task.WhenAny(_outstanding.Select(o => o.Task));
            done = _outstanding.First(o => ReferenceEquals(o.Task, winner));
        }

        _outstanding.Remove(done);
        return done;
    }

    // The next event for the decider; a timer that fired before its due time is re-armed instead (see ToEventAsync).
    private async Task<WorkflowEvent> NextEventAsync(int generation)
    {
        while (true)
        {
            var finished = await NextFinishedAsync();
            _completions++;
            if (_completions % _options.CheckpointEvery == 0)
            {
                SaveCheckpoint(generation);
            }

            if (await ToEventAsync(finished) is { } next)
            {
                return next;
            }
        }
    }

    // Null when the finished task was a timer that fired early and has been re-armed for the rest of its time.
    private async Task<WorkflowEvent?> ToEventAsync(Outstanding finished)
    {
        if (finished.Kind == OutstandingKind.Timer && _timers.TryGetValue(finished.Key, out var armed))
        {
            await finished.Task;

            // WARNING: the Azure Storage provider makes timer messages visible in whole seconds and can fire a timer up
            // to a second before its due time. A wait, retry delay or timeout never ends early: while the orchestration's
            // clock is before the due time, wait out the remainder on a new durable timer (replays take the same branch,
            // since the clock is the history's).
            if (_runtime.UtcNow < armed.DueAt)
            {
                StartTimer(new StartTimer(finished.Key, armed.DueAt));
                return null;
            }
        }

        var id = NextEventId();
        switch (finished.Kind)
        {
            case OutstandingKind.Node:
                _work--;
                NodeOutcome outcome;
                try
                {
                    outcome = await (Task<NodeOutcome>)finished.Task;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    outcome = NodeOutcome.Failure(new WorkflowError(ErrorTypes.ActivityError, ex.Message));
                }

                return outcome switch
                {
                    NodeOutcome.Succeeded s => new NodeSucceeded(id, finished.Key, s.Output),
                    NodeOutcome.Failed f => new NodeFailed(id, finished.Key, f.Error, f.RetryAfter),
                    _ => throw new InvalidOperationException("Unknown node outcome."),
                };

            case OutstandingKind.Child:
                _work--;
                ChildOutcome child;
                try
                {
                    child = await (Task<ChildOutcome>)finished.Task;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    child = ChildOutcome.Failed(null, FailureText.Parse(ex.Message));
                }

                return child is { Error: null, Version: { } version, Output: { } output }
                    ? new ChildCompleted(id, finished.Key, version, output)
                    : new ChildFailed(id, finished.Key, child.Version, child.Error ?? new WorkflowError(ErrorTypes.ActivityError, "The child ended without an output."));

            case OutstandingKind.Timer:
                if (_timers.Remove(finished.Key, out var timer))
                {
                    timer.Cancellation.Dispose();
                }

                await finished.Task;
                return new TimerFired(id, finished.Key);

            case OutstandingKind.Event:
                var payload = await (Task<JsonElement>)finished.Task;
                _waits.Remove(finished.Key);
                Wait(finished.Key);
                return new EventRaised(id, finished.Key, payload);

            default:
                throw new InvalidOperationException("Unknown outstanding task.");
        }
    }

    // Before the orchestrator returns: no timer may keep it Running; terminations and checkpoints must have been sent.
    private async Task FinishAsync()
    {
        foreach (var timerId in _timers.Keys.ToList())
        {
            CancelTimer(timerId);
        }

        foreach (var task in _housekeeping)
        {
            try
            {
                await task;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A child that already ended cannot be terminated, and a checkpoint is best effort: neither may fail the instance.
            }
        }

        _housekeeping.Clear();
    }

    private string NextEventId() => EventIdPrefix + (_sequence++).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private enum OutstandingKind
    {
        Node,
        Child,
        Timer,
        Event,
    }

    private sealed record Outstanding(OutstandingKind Kind, string Key, Task Task);

    private sealed record TimerEntry(Outstanding Entry, CancellationTokenSource Cancellation, DateTimeOffset DueAt);
}
