using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Moq.Protected;
using Serverless.Engine.Replay;

namespace Serverless.DurableTask.Tests.Infrastructure;

/// <summary>
/// A Moq <see cref="TaskOrchestrationContext"/> that logs every durable call as text, answers activities through
/// handlers, and lets the test complete timers, events and sub-orchestrations. Timers fire at once by default and move
/// the orchestration clock to their due time (virtual time).
/// </summary>
internal sealed class ContextHarness
{
    private readonly Channel<string> _calls = Channel.CreateUnbounded<string>();
    private readonly Dictionary<string, DefinitionSnapshot> _definitions = new(StringComparer.Ordinal);
    private DateTime _now = Workflows.Start;

    public ContextHarness(OrchestrationInput input, string instanceId = "order-1")
    {
        TimerBehavior = (_, _) => Task.CompletedTask;
        FireTimersAtOnce();
        Mock = new Mock<TaskOrchestrationContext> { CallBase = true };
        Mock.SetupGet(c => c.InstanceId).Returns(instanceId);
        Mock.SetupGet(c => c.IsReplaying).Returns(false);
        Mock.SetupGet(c => c.CurrentUtcDateTime).Returns(() => _now);
        Mock.Setup(c => c.GetInput<OrchestrationInput>()).Returns(input);
        Mock.Protected().SetupGet<ILoggerFactory>("LoggerFactory").Returns(NullLoggerFactory.Instance);

        // Moq matches generic arguments by assignability and the newest matching setup wins: the catch-all
        // CallActivityAsync<object> must come first, or it would shadow the typed setups below.
        Mock.Setup(c => c.CallActivityAsync<object>(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Returns((TaskName name, object? request, TaskOptions? _) =>
            {
                Record($"activity {name.Name}");
                if (request is CheckpointRequest checkpoint)
                {
                    Checkpoints.Enqueue(checkpoint);
                }

                return Task.FromResult<object>(null!);
            });
        Mock.Setup(c => c.CallActivityAsync<DefinitionSnapshot?>(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Returns((TaskName name, object? request, TaskOptions? _) =>
            {
                var r = (DefinitionRequest)request!;
                Record($"activity {name.Name} {r.Workflow}@{r.Version?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "latest"}");
                return Task.FromResult(_definitions.GetValueOrDefault(r.Workflow));
            });
        Mock.Setup(c => c.CallActivityAsync<int?>(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Returns((TaskName name, object? request, TaskOptions? _) =>
            {
                var r = (DefinitionRequest)request!;
                Record($"activity {name.Name} {r.Workflow}");
                return Task.FromResult(_definitions.TryGetValue(r.Workflow, out var d) ? d.Version : (int?)null);
            });
        Mock.Setup(c => c.CallActivityAsync<NodeResult>(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Returns((TaskName name, object? request, TaskOptions? _) =>
            {
                var r = (NodeActivityRequest)request!;
                Record($"activity {name.Name} {r.Command.Path}");
                return Nodes(r);
            });
        Mock.Setup(c => c.CreateTimer(It.IsAny<DateTime>(), It.IsAny<CancellationToken>()))
            .Returns((DateTime fireAt, CancellationToken token) =>
            {
                Record($"timer {fireAt:O}");
                Timers.Enqueue((fireAt, token));
                return TimerBehavior(fireAt, token);
            });
        Mock.Setup(c => c.WaitForExternalEvent<JsonElement>(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Returns((string name, CancellationToken token) =>
            {
                var arrival = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
                Waits.Enqueue((name, token, arrival));
                Record($"wait {name}");
                return arrival.Task;
            });
        Mock.Setup(c => c.CallSubOrchestratorAsync<JsonElement?>(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Returns((TaskName name, object? childInput, TaskOptions? options) =>
            {
                var id = (options as SubOrchestrationOptions)?.InstanceId;
                var i = (OrchestrationInput)childInput!;
                Record($"sub {name.Name} {id} {i.Workflow}@{i.Version}");
                return Children(id!, i);
            });
        Mock.Setup(c => c.SetCustomStatus(It.IsAny<object?>())).Callback((object? status) => Statuses.Enqueue(status));
        Mock.Setup(c => c.ContinueAsNew(It.IsAny<object?>(), It.IsAny<bool>()))
            .Callback((object? next, bool preserve) =>
            {
                ContinuedWith = ((OrchestrationInput)next!, preserve);
                Record("continue-as-new");
            });
    }

    public Mock<TaskOrchestrationContext> Mock { get; }

    public TaskOrchestrationContext Context => Mock.Object;

    public ConcurrentQueue<string> Log { get; } = new();

    public ConcurrentQueue<(DateTime FireAt, CancellationToken Token)> Timers { get; } = new();

    public ConcurrentQueue<(string Name, CancellationToken Token, TaskCompletionSource<JsonElement> Arrival)> Waits { get; } = new();

    public ConcurrentQueue<object?> Statuses { get; } = new();

    public ConcurrentQueue<CheckpointRequest> Checkpoints { get; } = new();

    public (OrchestrationInput Input, bool PreserveUnprocessedEvents)? ContinuedWith { get; private set; }

    /// <summary>Answers node activities; default: succeed with the node path.</summary>
    public Func<NodeActivityRequest, Task<NodeResult>> Nodes { get; set; } =
        r => Task.FromResult(new NodeResult(true, JsonSerializer.SerializeToElement(r.Command.Path), null, null));

    /// <summary>Answers timers; default: fire at once, moving the clock to the due time.</summary>
    public Func<DateTime, CancellationToken, Task> TimerBehavior { get; set; }

    /// <summary>Answers sub-orchestrations.</summary>
    public Func<string, OrchestrationInput, Task<JsonElement?>> Children { get; set; } =
        (_, _) => Task.FromResult<JsonElement?>(Workflows.Json("null"));

    public ContextHarness WithDefinition(string json, int version = 1)
    {
        _definitions[Workflows.NameOf(json)] = Workflows.Snapshot(json, version);
        return this;
    }

    public ContextHarness FireTimersAtOnce()
    {
        TimerBehavior = (fireAt, _) =>
        {
            _now = fireAt > _now ? fireAt : _now;
            return Task.CompletedTask;
        };
        return this;
    }

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
        Log.Enqueue(call);
        _calls.Writer.TryWrite(call);
    }
}
