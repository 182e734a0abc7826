using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Serverless.Engine.Decisions;
using Serverless.Engine.Telemetry;
using static Serverless.Engine.Tests.Infrastructure.Wf;

namespace Serverless.Engine.Tests.Telemetry;

/// <summary>
/// The spans and metrics read off applied decisions. The source and meter are process-wide: each test listens for its
/// own workflow name only.
/// </summary>
public sealed class DecisionTelemetryTests : IDisposable
{
    private static readonly ActivityContext Caller = new(
        ActivityTraceId.CreateFromString("4bf92f3577b34da6a3ce929d0e0e4736"), ActivitySpanId.CreateFromString("00f067aa0ba902b7"), ActivityTraceFlags.Recorded);

    private readonly string _workflow = "telemetry-" + Guid.NewGuid().ToString("N")[..8];
    private readonly ConcurrentQueue<Activity> _spans = new();
    private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)> _measurements = new();
    private readonly ActivityListener _listener;
    private readonly MeterListener _meters;

    public DecisionTelemetryTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == WorkflowTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.GetTagItem(TraceAttributes.Workflow) as string == _workflow)
                {
                    _spans.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
        _meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == WorkflowTelemetry.Name)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _meters.SetMeasurementEventCallback<double>((i, v, t, _) => Measured(i, v, t));
        _meters.SetMeasurementEventCallback<long>((i, v, t, _) => Measured(i, v, t));
        _meters.Start();
    }

    public void Dispose()
    {
        _listener.Dispose();
        _meters.Dispose();
    }

    [Fact]
    public void Observe_RunCompletes_OneRunSpanWithTheDerivedIdUnderTheStoredParent()
    {
        var plan = Plan(Definition("""{"a":{"type":"set","value":1}}"""));
        var trace = InstanceTrace.Under(Caller);
        var created = Decider.Create(plan, "run-1", EmptyInput, T0) with { Trace = trace };
        var done = Decider.Decide(plan, created, new InstanceStarted("s"), At(2)).State;

        DecisionTelemetry.Observe(plan, created, new InstanceStarted("s"), done, At(2));

        var run = Assert.Single(_spans);
        Assert.Equal($"run {_workflow}", run.OperationName);
        Assert.Equal(ActivityKind.Consumer, run.Kind);
        Assert.Equal(Caller.TraceId, run.TraceId);
        Assert.Equal(Caller.SpanId, run.ParentSpanId);
        Assert.Equal(trace.RunSpanId("run-1", 0), run.SpanId);
        Assert.EndsWith(trace.RunSpanId("run-1", 0).ToHexString() + "-01", run.Id, StringComparison.Ordinal);
        Assert.Equal("completed", run.GetTagItem(TraceAttributes.Result));
        Assert.Equal("run-1", run.GetTagItem(TraceAttributes.InstanceId));
        Assert.Equal(ActivityStatusCode.Unset, run.Status);

        Assert.Equal(At(2).UtcDateTime, run.StartTimeUtc);

        // Started and ended in one decision: the active count is back where it was; one duration, in seconds.
        Assert.Equal(0, _measurements.Where(m => m.Instrument == "workflow.run.active").Sum(m => m.Value));
        Assert.Equal([1, -1], _measurements.Where(m => m.Instrument == "workflow.run.active").Select(m => m.Value));
        var duration = Assert.Single(_measurements, m => m.Instrument == "workflow.run.duration");
        Assert.Equal(0, duration.Value);
        Assert.Equal("completed", duration.Tags[TraceAttributes.Result]);
        Assert.DoesNotContain(_measurements, m => m.Tags.ContainsKey(TraceAttributes.InstanceId));
    }

    [Fact]
    public void Observe_NothingChanged_EmitsNothing()
    {
        var plan = Plan(Definition("""{"e":{"type":"event","event":"go"}}"""));
        var state = Decider.Create(plan, "same-1", EmptyInput, T0) with { Trace = InstanceTrace.Under(Caller) };

        DecisionTelemetry.Observe(plan, state, new SuspendRequested("x", null), state, At(1));

        Assert.Empty(_spans);
        Assert.Empty(_measurements);
    }

    [Fact]
    public void Observe_FailThenRerun_EachRunHasASpanOfItsOwn()
    {
        var plan = Plan(Definition("""{"w":{"type":"activity","activity":"work"}}"""));
        var trace = InstanceTrace.Under(Caller);
        var state = Decider.Create(plan, "rerun-1", EmptyInput, T0) with { Trace = trace };
        var running = Apply(plan, ref state, new InstanceStarted("s"), At(0));
        var key = Assert.Single(running.Commands.OfType<RunNode>()).Key;
        Apply(plan, ref state, new NodeFailed("f", key, Error("Boom")), At(1));
        var rerun = Apply(plan, ref state, new RerunRequested("r"), At(10));
        Apply(plan, ref state, new NodeSucceeded("ok", Assert.Single(rerun.Commands.OfType<RunNode>()).Key, Json("1")), At(12));

        var runs = _spans.Where(s => s.OperationName == $"run {_workflow}").ToList();
        Assert.Equal(2, runs.Count);
        Assert.Equal([trace.RunSpanId("rerun-1", 0), trace.RunSpanId("rerun-1", 1)], runs.Select(r => r.SpanId));
        Assert.NotEqual(runs[0].SpanId, runs[1].SpanId);
        Assert.Equal(["failed", "completed"], runs.Select(r => r.GetTagItem(TraceAttributes.Result)));
        Assert.Equal(ActivityStatusCode.Error, runs[0].Status);
        Assert.Equal("Boom", runs[0].GetTagItem(TraceAttributes.ErrorType));
        Assert.Equal(At(10).UtcDateTime, runs[1].StartTimeUtc);
        Assert.Equal(TimeSpan.FromSeconds(2), runs[1].Duration);
        Assert.Equal(0, _measurements.Where(m => m.Instrument == "workflow.run.active").Sum(m => m.Value));
    }

    [Fact]
    public void Observe_RetryAndWaitTimers_SpanPerDelayAndDispatchLag()
    {
        var plan = Plan(Definition("""
            {
              "w":{"type":"activity","activity":"work","retry":{"maxAttempts":2,"interval":"PT5S","jitter":"none"}},
              "pause":{"type":"wait","duration":"PT30S","runAfter":["w"]}}
            """));
        var state = Decider.Create(plan, "timers-1", EmptyInput, T0) with { Trace = InstanceTrace.Under(Caller) };
        var key = Assert.Single(Apply(plan, ref state, new InstanceStarted("s"), At(0)).Commands.OfType<RunNode>()).Key;
        var retry = Assert.Single(Apply(plan, ref state, new NodeFailed("f", key, Error("Timeout")), At(1)).Commands.OfType<StartTimer>());
        var second = Assert.Single(Apply(plan, ref state, new TimerFired("t1", retry.TimerId), At(6.5)).Commands.OfType<RunNode>()).Key;
        var wait = Assert.Single(Apply(plan, ref state, new NodeSucceeded("ok", second, Json("1")), At(7)).Commands.OfType<StartTimer>());
        Apply(plan, ref state, new TimerFired("t2", wait.TimerId), At(37));

        var retrySpan = Assert.Single(_spans, s => s.OperationName == "retry w");
        Assert.Equal(At(1).UtcDateTime, retrySpan.StartTimeUtc);
        Assert.Equal(TimeSpan.FromSeconds(5.5), retrySpan.Duration);
        Assert.Equal(2, retrySpan.GetTagItem(TraceAttributes.Attempt));
        Assert.Equal("retry", retrySpan.GetTagItem(TraceAttributes.TimerPurpose));
        var waitSpan = Assert.Single(_spans, s => s.OperationName == "wait pause");
        Assert.Equal(At(7).UtcDateTime, waitSpan.StartTimeUtc);
        Assert.Equal(TimeSpan.FromSeconds(30), waitSpan.Duration);
        Assert.Equal("wait", waitSpan.GetTagItem(TraceAttributes.NodeType));
        Assert.All(_spans.Where(s => !s.OperationName.StartsWith("run ", StringComparison.Ordinal)), s => Assert.Equal(InstanceTrace.Under(Caller).RunSpanId("timers-1", 0), s.ParentSpanId));

        var retries = Assert.Single(_measurements, m => m.Instrument == "workflow.node.retries");
        Assert.Equal(1, retries.Value);
        Assert.Equal("Timeout", retries.Tags[TraceAttributes.ErrorType]);
        Assert.Equal("activity", retries.Tags[TraceAttributes.NodeType]);
    }

    [Fact]
    public void Observe_EventForAWaitingNode_WaitSpanAndEventSpanLinkedToTheRaise()
    {
        var plan = Plan(Definition("""{"approve":{"type":"event","event":"go"}}"""));
        var state = Decider.Create(plan, "event-1", EmptyInput, T0) with { Trace = InstanceTrace.Under(Caller) };
        Apply(plan, ref state, new InstanceStarted("s"), At(0));
        var raise = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
        var before = state;
        var after = Decider.Decide(plan, before, new EventRaised("e", "GO", Json("true")), At(4)).State;
        DecisionTelemetry.Observe(plan, before, new EventRaised("e", "GO", Json("true")), after, At(4), raise);

        var wait = Assert.Single(_spans, s => s.OperationName == "wait for go");
        Assert.Equal(TimeSpan.FromSeconds(4), wait.Duration);
        Assert.Equal("received", wait.GetTagItem(TraceAttributes.Result));
        var received = Assert.Single(_spans, s => s.OperationName == "event GO");
        Assert.Equal(ActivityKind.Consumer, received.Kind);
        Assert.Equal(raise.SpanId, Assert.Single(received.Links).Context.SpanId);
        Assert.Single(_measurements, m => m.Instrument == "workflow.event.wait.duration" && m.Value == 4);
    }

    [Fact]
    public void Observe_EventQueuedBeforeTheNodeWaits_TheNodeTakesItWithAZeroWait()
    {
        var plan = Plan(Definition("""
            {
              "w":{"type":"activity","activity":"work"},
              "approve":{"type":"event","event":"go","runAfter":["w"]}}
            """));
        var state = Decider.Create(plan, "queued-1", EmptyInput, T0) with { Trace = InstanceTrace.Under(Caller) };
        var key = Assert.Single(Apply(plan, ref state, new InstanceStarted("s"), At(0)).Commands.OfType<RunNode>()).Key;
        Apply(plan, ref state, new EventRaised("e", "go", Json("1")), At(1));
        Assert.DoesNotContain(_spans, s => s.OperationName == "wait for go");

        Apply(plan, ref state, new NodeSucceeded("ok", key, Json("1")), At(3));

        var wait = Assert.Single(_spans, s => s.OperationName == "wait for go");
        Assert.Equal(At(3).UtcDateTime, wait.StartTimeUtc);
        Assert.True(wait.Duration <= TimeSpan.FromTicks(1), $"{wait.Duration}"); // Activity makes a zero duration one tick
        Assert.Equal(InstanceStatus.Completed, state.Status);
    }

    [Fact]
    public void Observe_InstanceWithoutATrace_MetricsButNoSpans()
    {
        var plan = Plan(Definition("""{"a":{"type":"set","value":1}}"""));
        var created = Decider.Create(plan, "untraced-1", EmptyInput, T0);
        var done = Decider.Decide(plan, created, new InstanceStarted("s"), At(1)).State;

        DecisionTelemetry.Observe(plan, created, new InstanceStarted("s"), done, At(1));

        Assert.Empty(_spans);
        Assert.Single(_measurements, m => m.Instrument == "workflow.run.duration");
    }

    [Fact]
    public void InstanceTrace_RunSpanIds_AreStablePerInstanceAndEpochAndChildrenHangUnderTheirParentsRun()
    {
        var trace = InstanceTrace.Under(Caller);

        Assert.Equal(trace.RunSpanId("a", 0), InstanceTrace.Under(Caller).RunSpanId("a", 0));
        Assert.NotEqual(trace.RunSpanId("a", 0), trace.RunSpanId("a", 1));
        Assert.NotEqual(trace.RunSpanId("a", 0), trace.RunSpanId("b", 0));
        Assert.Equal(trace.RunSpanId("a", 2).ToHexString(), trace.ForChild("a", 2).ParentSpanId);
        Assert.Equal(Caller.SpanId, trace.ParentContext.SpanId);
        var root = InstanceTrace.Under(default);
        Assert.Null(root.ParentSpanId);
        Assert.True(root.Sampled);
        Assert.Equal(default, root.ParentContext);
    }

    // The nodes object in a definition named after this test's workflow (the source is process-wide).
    private string Definition(string nodes) => "{\"name\":\"" + _workflow + "\",\"nodes\":" + nodes + "}";

    private static Decision Apply(WorkflowPlan plan, ref InstanceState state, WorkflowEvent @event, DateTimeOffset now)
    {
        var decision = Decider.Decide(plan, state, @event, now);
        DecisionTelemetry.Observe(plan, state, @event, decision.State, now);
        state = decision.State;
        return decision;
    }

    private void Measured<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        where T : struct
    {
        var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        if (copy.TryGetValue(TraceAttributes.Workflow, out var name) && name as string == _workflow)
        {
            _measurements.Enqueue((instrument.Name, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture), copy));
        }
    }
}
