using System.Text;
using Serverless.Engine.Decisions;
using Serverless.Engine.Testing;
using static Serverless.Engine.Tests.Infrastructure.Wf;

namespace Serverless.Engine.Tests.Decisions;

/// <summary>States, events and commands survive a serialization round trip unchanged, and decide the same afterwards.</summary>
public sealed class StateSerializerTests
{
    private const string Busy = """
        {
          "name": "wf",
          "timeout": "PT1H",
          "nodes": {
            "Zed": { "type": "set", "value": { "nested": [1, "two", null, true] } },
            "alpha": { "type": "switch", "cases": { "Upper": "${{ true }}" } },
            "beta-1": { "type": "fail", "error": "Handled", "message": "m" },
            "beta_1": { "type": "set", "value": "${{ nodes['beta-1'].error }}", "runAfter": { "beta-1": ["failed"] } },
            "each": {
              "type": "foreach",
              "items": "${{ [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] }}",
              "maxConcurrency": 11,
              "toleratedFailures": "50%",
              "body": { "nodes": { "w": { "type": "activity", "activity": "work", "input": "${{ item }}", "retry": { "maxAttempts": 2, "interval": "PT1M", "jitter": "none" } } } }
            },
            "ev": { "type": "event", "event": "Go", "timeout": "PT30M" },
            "ev2": { "type": "event", "event": "go" }
          }
        }
        """;

    private static (EngineTestHost Host, string Id) BusyInstance()
    {
        var host = Host();
        host.Handle("work", c => c.Input.GetInt32() switch
        {
            1 => Err("HttpError", "busy", """{"status": 503, "headers": {"a": "b"}}"""),
            2 => Ok("""{"deep": {"x": [1.5, -2e10, "\u00e9\u4e2d"]}}"""),
            _ => Ok("1", seconds: 600),
        });
        var id = host.Run(Busy, input: """{"in": ["put", 1]}""", run: false);
        host.Advance(TimeSpan.FromSeconds(1));
        host.RaiseEvent(id, "other", Json("""{"queued": true}"""));
        host.Advance(TimeSpan.FromSeconds(1));
        host.Suspend(id);
        host.RaiseEvent(id, "GO", Json("\"deferred\""));
        host.Advance(TimeSpan.FromSeconds(1));
        return (host, id);
    }

    [Fact]
    public void Serialize_BusyState_RoundTripsToIdenticalBytes()
    {
        var (host, id) = BusyInstance();
        var state = host.State(id);
        Assert.Equal(InstanceStatus.Suspended, state.Status);
        Assert.NotEmpty(state.Timers);
        Assert.NotEmpty(state.EventQueues);
        Assert.NotEmpty(state.Waiters);
        Assert.NotEmpty(state.Deferred);
        Assert.NotEmpty(state.SeenEvents);

        var bytes = StateSerializer.Serialize(state);
        var back = StateSerializer.Deserialize(bytes);

        Assert.Equal(Encoding.UTF8.GetString(bytes), Encoding.UTF8.GetString(StateSerializer.Serialize(back)));
        Assert.Equal(state.Nodes.Keys, back.Nodes.Keys);
        Assert.Equal(state.Timers, back.Timers);
        Assert.Equal(state.InstanceId, back.InstanceId);
        Assert.Equal(state.Status, back.Status);
        Assert.Equal(state.Sequence, back.Sequence);
        Assert.Equal(state.Remaining, back.Remaining);
        Assert.Equal(state.CreatedAt, back.CreatedAt);
        Assert.Equal(state.StartedAt, back.StartedAt);
        Assert.Equal(state.Nodes["alpha"].Outcome, back.Nodes["alpha"].Outcome);
        Assert.Equal(state.Nodes["each[0].w"].Retries.ToArray(), back.Nodes["each[0].w"].Retries.ToArray());
        Assert.Equal(state.Nodes["each[0].w"].Backoff, back.Nodes["each[0].w"].Backoff);
        Assert.Equal(state.Nodes["each[0].w"].Error!.Type, back.Nodes["each[0].w"].Error!.Type);
        AssertJson(state.Nodes["each[1].w"].Output!.Value.GetRawText(), back.Nodes["each[1].w"].Output);
        AssertJson(state.Input.GetRawText(), back.Input);
    }

    [Fact]
    public void Deserialize_ThenDecide_SameAsWithoutRoundTrip()
    {
        var (host, id) = BusyInstance();
        var plan = host.Plan(id);
        var state = host.State(id);
        var back = StateSerializer.Deserialize(StateSerializer.Serialize(state));

        WorkflowEvent[] events =
        [
            new ResumeRequested("r1", null),
            new NodeSucceeded("r2", $"{id}:each[2].w:0:1", Json("3")),
            new EventRaised("r3", "go", Json("\"second\"")),
            new TimerFired("r4", state.Nodes["each[0].w"].TimerId!),
            new TerminateRequested("r5", "done"),
        ];
        var now = host.Now;
        foreach (var @event in events)
        {
            var direct = Decider.Decide(plan, state, @event, now);
            var viaBytes = Decider.Decide(plan, back, @event, now);

            Assert.Equal(Encoding.UTF8.GetString(StateSerializer.Serialize(direct.State)), Encoding.UTF8.GetString(StateSerializer.Serialize(viaBytes.State)));
            Assert.Equal(direct.Commands.Select(Text), viaBytes.Commands.Select(Text));
            state = direct.State;
            back = StateSerializer.Deserialize(StateSerializer.Serialize(viaBytes.State));
            now = now.AddSeconds(1);
        }

        Assert.Equal(InstanceStatus.Terminated, back.Status);
    }

    [Fact]
    public void Deserialize_OtherSemanticsVersion_Refused()
    {
        var (host, id) = BusyInstance();
        var json = Encoding.UTF8.GetString(StateSerializer.Serialize(host.State(id) with { Semantics = 99 }));
        Assert.Contains("\"semantics\":99", json, StringComparison.Ordinal);

        var ex = Assert.Throws<InvalidOperationException>(() => StateSerializer.Deserialize(Encoding.UTF8.GetBytes(json)));

        Assert.Contains("99", ex.Message, StringComparison.Ordinal);
        Assert.Contains(id, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Serialize_EveryEventAndCommandOfARun_RoundTrips()
    {
        var (host, id) = BusyInstance();
        host.Resume(id);
        host.RaiseEvent(id, "go", Json("2"));
        host.RunUntilIdle();

        Assert.NotEmpty(host.History(id));
        foreach (var (@event, _) in host.History(id))
        {
            var bytes = StateSerializer.Serialize(@event);
            var back = StateSerializer.DeserializeEvent(bytes);
            Assert.Equal(@event.GetType(), back.GetType());
            Assert.Equal(Encoding.UTF8.GetString(bytes), Encoding.UTF8.GetString(StateSerializer.Serialize(back)));
        }

        var kinds = new HashSet<Type>();
        foreach (var command in host.Commands(id))
        {
            var bytes = StateSerializer.Serialize(command);
            var back = StateSerializer.DeserializeCommand(bytes);
            kinds.Add(back.GetType());
            Assert.Equal(command.GetType(), back.GetType());
            Assert.Equal(Encoding.UTF8.GetString(bytes), Encoding.UTF8.GetString(StateSerializer.Serialize(back)));
        }

        Assert.Superset(new HashSet<Type> { typeof(RunNode), typeof(StartTimer), typeof(CancelTimer), typeof(WaitForEvent) }, kinds);
    }

    [Fact]
    public void Serialize_Command_UsesTypeDiscriminator()
    {
        var json = Encoding.UTF8.GetString(StateSerializer.Serialize(new StartTimer("t1", T0)));

        Assert.Equal("""{"$type":"startTimer","timerId":"t1","dueAt":"2026-01-01T00:00:00+00:00"}""", json);
    }

    private static string Text(WorkflowCommand command) => Encoding.UTF8.GetString(StateSerializer.Serialize(command));
}
