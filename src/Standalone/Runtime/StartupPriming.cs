using System.Globalization;
using System.Text.Json;
using Serverless.Engine.Decisions;
using Serverless.Engine.Definitions;
using Serverless.Standalone.Storage;

namespace Serverless.Standalone.Runtime;

/// <summary>
/// Runs, once at start-up and in memory, what a fresh process would otherwise set up on its first requests: the JSON
/// contracts of the state and of the stored envelope, the definition parser and compiler, the decider and the
/// expression engine, on a throwaway instance of a small workflow. Nothing is stored, sent, logged or measured. It runs
/// once the host is healthy (docs/performance.md, cold start).
/// </summary>
internal static class StartupPriming
{
    private const string Definition = """
        {"name":"startup-priming","nodes":{
          "a":{"type":"activity","activity":"echo","input":"${{ input.n }}"},
          "go":{"type":"event","event":"go","runAfter":["a"]},
          "pick":{"type":"switch","cases":{"big":"${{ nodes.go.output.n > 1 }}"},"default":"small","runAfter":["go"]},
          "b":{"type":"set","value":"${{ 'n=' + nodes.a.output }}","runAfter":["pick"]}},
         "output":"${{ nodes.b.output }}"}
        """;

    /// <summary>Runs the throwaway instance to its end.</summary>
    public static void Run()
    {
        var parsed = DefinitionParser.Parse(Definition);
        if (parsed.Definition is null)
        {
            throw new InvalidOperationException("The start-up priming workflow does not parse: " + string.Join("; ", parsed.Errors.Select(e => e.Message)));
        }

        var plan = WorkflowPlan.Compile(parsed.Definition, 1);
        var now = DateTimeOffset.UnixEpoch;
        using var input = JsonDocument.Parse("""{"n":1}""");
        using var payload = JsonDocument.Parse("""{"n":2}""");
        var state = Decider.Create(plan, "startup-priming", input.RootElement, now);
        var pending = new Queue<WorkflowEvent>([new InstanceStarted("e0")]);
        var sequence = 0;
        while (pending.TryDequeue(out var @event) && !state.Status.IsFinal)
        {
            var decision = Decider.Decide(plan, state, @event, now);
            state = StateSerializer.Deserialize(StateSerializer.Serialize(decision.State));
            var outbox = new List<OutboxItem>();
            foreach (var command in decision.Commands)
            {
                outbox.Add(new OutboxItem("k" + outbox.Count.ToString(CultureInfo.InvariantCulture), command));
                if (command is RunNode run)
                {
                    pending.Enqueue(new NodeSucceeded(Id(), run.Key, run.Input));
                }
            }

            var envelope = JsonSerializer.SerializeToUtf8Bytes(new InstanceEnvelope([.. outbox], null, false), HostJsonContext.Default.InstanceEnvelope);
            _ = JsonSerializer.Deserialize(envelope, HostJsonContext.Default.InstanceEnvelope);
            if (pending.Count == 0 && !state.Status.IsFinal)
            {
                pending.Enqueue(new EventRaised(Id(), "go", payload.RootElement.Clone()));
            }
        }

        if (state.Status != InstanceStatus.Completed)
        {
            throw new InvalidOperationException($"The start-up priming instance ended {state.Status}.");
        }

        string Id() => "e" + (++sequence).ToString(CultureInfo.InvariantCulture);
    }
}
