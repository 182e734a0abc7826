using System.Collections.Immutable;
using System.Text.Json;
using CsCheck;
using Serverless.Engine.Decisions;
using Serverless.Engine.Definitions;
using Serverless.Engine.Testing;

namespace Serverless.Engine.Tests.Decisions;

/// <summary>Properties over random valid DAGs of activity nodes with random outcomes, retries and durations.</summary>
public sealed class DeciderPropertyTests
{
    private static readonly string[] Outcomes = [OutcomeNames.Succeeded, OutcomeNames.Failed, OutcomeNames.Skipped];

    /// <summary>A random workflow: node count, edges, accepted outcomes and behaviours all drawn from one int stream.</summary>
    private sealed record Scenario(WorkflowDefinition Definition, ImmutableDictionary<string, int> Behaviour)
    {
        public override string ToString() => string.Join(", ", Definition.Nodes.Select(n =>
            $"{n.Id}[{Behaviour[n.Id]}]<-{{{string.Join(",", n.RunAfter.Select(r => r.NodeId + ":" + string.Join("|", r.Outcomes)))}}}"));
    }

    private static Scenario Build(int[] stream)
    {
        var position = 0;
        int Next(int bound) => bound <= 1 ? 0 : (int)((uint)stream[position++ % stream.Length] % (uint)bound);

        var count = 1 + Next(10);
        var nodes = ImmutableArray.CreateBuilder<NodeDefinition>();
        var behaviour = ImmutableDictionary.CreateBuilder<string, int>();
        for (var i = 0; i < count; i++)
        {
            var id = $"n{i}";
            var runAfter = ImmutableArray.CreateBuilder<RunAfter>();
            for (var j = 0; j < i; j++)
            {
                if (Next(3) == 0)
                {
                    var mask = 1 + Next(7);
                    runAfter.Add(new RunAfter($"n{j}", [.. Outcomes.Where((_, k) => (mask & (1 << k)) != 0)]));
                }
            }

            var retry = Next(3) == 0
                ? ImmutableArray.Create(RetryPolicy.Default with { MaxAttempts = 2 + Next(2), Interval = TimeSpan.FromSeconds(1 + Next(5)) })
                : ImmutableArray<RetryPolicy>.Empty;
            var mode = Next(5);
            nodes.Add(new ActivityNode
            {
                Id = id,
                Pointer = "/nodes/" + id,
                Activity = id,
                RunAfter = runAfter.ToImmutable(),
                Retry = retry,
                // A node that hangs always has an attempt timeout, or the instance would (rightly) wait forever.
                Timeout = mode == 4 || Next(4) == 0 ? TimeSpan.FromSeconds(30) : null,
            });
            behaviour[id] = mode;
        }

        return new Scenario(
            new WorkflowDefinition("prop", null, Next(4) == 0 ? TimeSpan.FromMinutes(2) : null, NodeDefaults.None, nodes.ToImmutable(), null),
            behaviour.ToImmutable());
    }

    /// <summary>0 succeeds, 1 always fails, 2 fails on the first attempt only, 3 takes 10 s, 4 hangs on attempt 1.</summary>
    private static EngineTestHost Run(Scenario scenario, out string instanceId)
    {
        var host = new EngineTestHost();
        host.Register(scenario.Definition);
        foreach (var (id, mode) in scenario.Behaviour)
        {
            host.Handle(id, call =>
            {
                var attempt = int.Parse(call.Key[(call.Key.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
                var output = JsonDocument.Parse($$"""{"node":"{{call.Path}}","attempt":{{attempt}}}""").RootElement.Clone();
                return mode switch
                {
                    1 => ActivityResult.Failure(new WorkflowError(ErrorTypes.ActivityError, "always")),
                    2 when attempt == 1 => ActivityResult.Failure(new WorkflowError(ErrorTypes.Timeout, "first")),
                    3 => ActivityResult.Success(output, TimeSpan.FromSeconds(10)),
                    4 when attempt == 1 => ActivityResult.Hang(),
                    _ => ActivityResult.Success(output),
                };
            });
        }

        instanceId = host.Start("prop", JsonDocument.Parse("{}").RootElement);
        host.RunUntilIdle();
        return host;
    }

    private static readonly Gen<Scenario> Scenarios = Gen.Int.Array[4, 80].Select(Build);

    [Fact]
    public void Decide_RandomDag_EveryNodeEndsInExactlyOneFinalStatus()
    {
        Scenarios.Sample(scenario =>
        {
            var host = Run(scenario, out var id);
            var state = host.State(id);
            Assert.True(state.Status is InstanceStatus.Completed or InstanceStatus.Failed, $"instance ended {state.Status}");
            Assert.Empty(state.Timers);
            Assert.Empty(state.Waiters);
            foreach (var node in scenario.Definition.Nodes)
            {
                Assert.True(state.Nodes.TryGetValue(node.Id, out var n), $"{node.Id} has no status");
                Assert.Contains(n.Status, new[] { NodeStatus.Succeeded, NodeStatus.Failed, NodeStatus.Skipped, NodeStatus.Cancelled });
                if (state.Status == InstanceStatus.Completed)
                {
                    Assert.NotEqual(NodeStatus.Cancelled, n.Status);
                }
            }
        }, iter: 300);
    }

    [Fact]
    public void Decide_ReplayOfTheSameEvents_GivesTheSameCommandsAndState()
    {
        Scenarios.Sample(scenario =>
        {
            var host = Run(scenario, out var id);
            var plan = host.Plan(id);
            var history = host.History(id);
            var state = Decider.Create(plan, id, host.State(id).Input, host.State(id).CreatedAt);
            var commands = new List<WorkflowCommand>();
            foreach (var (@event, at) in history)
            {
                var decision = Decider.Decide(plan, state, @event, at);
                state = decision.State;
                commands.AddRange(decision.Commands);
            }

            Assert.Equal(Serialize(host.Commands(id)), Serialize(commands));
            Assert.Equal(StateSerializer.Serialize(host.State(id)), StateSerializer.Serialize(state));
        }, iter: 200);
    }

    [Fact]
    public void Decide_AnyEventAppliedTwice_IsANoOp()
    {
        Scenarios.Sample(scenario =>
        {
            var host = Run(scenario, out var id);
            var plan = host.Plan(id);
            var state = Decider.Create(plan, id, host.State(id).Input, host.State(id).CreatedAt);
            foreach (var (@event, at) in host.History(id))
            {
                state = Decider.Decide(plan, state, @event, at).State;
                var again = Decider.Decide(plan, state, @event, at + TimeSpan.FromSeconds(1));
                Assert.Empty(again.Commands);
                Assert.Equal(StateSerializer.Serialize(state), StateSerializer.Serialize(again.State));
            }
        }, iter: 200);
    }

    [Fact]
    public void StateSerializer_RoundTrip_KeepsEveryField()
    {
        Scenarios.Sample(scenario =>
        {
            var host = Run(scenario, out var id);
            var bytes = StateSerializer.Serialize(host.State(id));
            Assert.Equal(bytes, StateSerializer.Serialize(StateSerializer.Deserialize(bytes)));
        }, iter: 100);
    }

    private static string Serialize(IEnumerable<WorkflowCommand> commands)
        => string.Join("\n", commands.Select(c => System.Text.Encoding.UTF8.GetString(StateSerializer.Serialize(c))));
}
