using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Serverless.Engine.Decisions;
using Serverless.Engine.Definitions;
using Serverless.Engine.Execution;
using Serverless.Standalone.Storage;

namespace Serverless.Standalone.Runtime;

/// <summary>
/// Runs, once the host is healthy, what a fresh process would otherwise set up on its first requests, in the order a
/// first instance needs them: the JSON contracts of the state and of the stored envelope (the costliest, about 0.25 s of
/// CPU), a state row's conditional replace (on this process's own heartbeat row), then the definition parser and
/// compiler, the decider, the expression engine and the activity executor (the built-in <c>echo</c>) on a throwaway
/// instance of a small workflow in memory. No instance is stored, nothing is sent to a queue, logged or measured
/// (docs/performance.md, cold start).
/// </summary>
internal sealed class StartupPriming(
    ActivityRegistry registry, IServiceScopeFactory scopes, IOptions<WorkflowExecutorOptions> options, TaskHubStorage storage, TimeProvider time)
{
    // The host's activity executor, but silent: it logs every activity it runs, and this one is not the user's.
    private readonly ActivityNodeExecutor _activities = new(registry, scopes, options, time, NullLogger<ActivityNodeExecutor>.Instance);

    private const string Definition = """
        {"name":"startup-priming","nodes":{
          "a":{"type":"activity","activity":"echo","input":"${{ input.n }}"},
          "go":{"type":"event","event":"go","runAfter":["a"]},
          "pick":{"type":"switch","cases":{"big":"${{ nodes.go.output.n > 1 }}"},"default":"small","runAfter":["go"]},
          "b":{"type":"set","value":"${{ 'n=' + nodes.a.output }}","runAfter":["pick"]}},
         "output":"${{ nodes.b.output }}"}
        """;

    /// <summary>Runs the throwaway instance to its end, then rewrites the heartbeat row of <paramref name="hostId"/>.</summary>
    public async Task RunAsync(string hostId, CancellationToken cancellationToken)
    {
        // The contracts first: a fresh process's first start serializes a state and an envelope.
        var empty = new InstanceState { InstanceId = "startup-priming", Workflow = "startup-priming", Version = 1 };
        _ = StateSerializer.Deserialize(StateSerializer.Serialize(empty));
        _ = JsonSerializer.Deserialize(JsonSerializer.SerializeToUtf8Bytes(new InstanceEnvelope([], null, false), HostJsonContext.Default.InstanceEnvelope), HostJsonContext.Default.InstanceEnvelope);

        // What saving a state does (a replace with the row's ETag), on a row this process owns and rewrites anyway.
        var heartbeat = new TableEntity("hosts", hostId) { ["Seen"] = time.GetUtcNow() };
        await storage.Hosts.UpdateEntityAsync(heartbeat, ETag.All, TableUpdateMode.Replace, cancellationToken);

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
                    var work = new NodeWork("startup-priming", plan.Nodes[run.NodeId].Definition, run) { Workflow = plan.Name, Version = plan.Version };
                    pending.Enqueue(await _activities.ExecuteAsync(work, cancellationToken) is NodeOutcome.Succeeded succeeded
                        ? new NodeSucceeded(Id(), run.Key, succeeded.Output)
                        : throw new InvalidOperationException("The start-up priming's echo failed."));
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
