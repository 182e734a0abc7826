using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Serverless.Engine;
using Serverless.Engine.Api;
using Serverless.Engine.Definitions;
using Serverless.Engine.Execution;
using Serverless.Engine.Hosting;
using Serverless.DurableTask;
using static Serverless.DurableTask.Tests.Workflows;

namespace Serverless.DurableTask.Tests;

/// <summary>
/// Real workflows with real replay: the orchestrator and activities registered with durabletask-dotnet's in-process
/// test host (an in-memory backend behind a loopback gRPC sidecar), exactly as the Functions app wires them.
/// </summary>
public sealed class InProcessWorkflowTests : IAsyncLifetime, INodeExecutor, IDefinitionSource
{
    private readonly Dictionary<string, DefinitionSnapshot> _definitions = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _calls = new();
    private int _flakyAttempts;
    private DurableTaskTestHost? _host;

    private DurableTaskClient Client => _host!.Client;

    public async Task InitializeAsync()
    {
        foreach (var json in new[] { FanOut, Flaky, Approval, Parent, Activity })
        {
            _definitions[NameOf(json)] = Snapshot(json);
        }

        var compiler = new WorkflowCompiler();
        var nodes = new NodeActivity(this, this, compiler);
        var options = new OrchestrationDriverOptions { HistoryBound = 30, MaxOutstandingWork = 8 };
        _host = await DurableTaskTestHost.StartAsync(registry =>
        {
            registry.AddOrchestratorFunc<OrchestrationInput, JsonElement?>(
                TaskNames.Orchestrator, (context, _) => WorkflowOrchestration.RunAsync(context, compiler, options));
            registry.AddActivityFunc<DefinitionRequest, DefinitionSnapshot?>(
                TaskNames.LoadDefinition, (_, request) => GetAsync(request.Workflow, request.Version, CancellationToken.None));
            registry.AddActivityFunc<DefinitionRequest, int?>(
                TaskNames.ResolveVersion, async (_, request) => (await GetAsync(request.Workflow, request.Version, CancellationToken.None))?.Version);
            registry.AddActivityFunc<NodeActivityRequest, NodeResult>(
                TaskNames.RunNode, (_, request) => nodes.RunAsync(request, CancellationToken.None));
            registry.AddActivityFunc<CheckpointRequest, bool>(
                TaskNames.SaveCheckpoint, (_, request) => Task.FromResult(request.Checkpoint.ReadState().InstanceId == request.InstanceId));
            registry.AddActivityFunc<TerminateRequest, bool>(
                TaskNames.TerminateInstance, (_, _) => Task.FromResult(true));
        });
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    [Fact]
    public async Task FanOutOfTwenty_CompletesWithEveryItemAcrossContinueAsNew()
    {
        var ct = Timeout();
        var items = Enumerable.Range(1, 20).ToArray();

        var meta = await RunAsync("fan", "fan-1", JsonSerializer.SerializeToElement(new { items }), ct);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, meta.RuntimeStatus);
        Assert.Equal(JsonSerializer.Serialize(items.Select(i => i * 2)), Normalize(meta.SerializedOutput));
        Assert.Equal(20, _calls.Count(c => c.StartsWith("double", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task RetryOnAShortTimer_SecondAttemptSucceeds()
    {
        var ct = Timeout();

        var meta = await RunAsync("flaky", "flaky-1", Json("{}"), ct);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, meta.RuntimeStatus);
        Assert.Equal("\"second time lucky\"", Normalize(meta.SerializedOutput));
        Assert.Equal(2, _calls.Count(c => c.StartsWith("flaky", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Event_RaisedThroughTheClient_IsTheNodeOutput()
    {
        var ct = Timeout();
        await Client.ScheduleNewOrchestrationInstanceAsync(
            TaskNames.Orchestrator, new OrchestrationInput("approval", 1, Json("{}")), new StartOrchestrationOptions("approval-1"), ct);
        await Client.WaitForInstanceStartAsync("approval-1", ct);

        await Client.RaiseEventAsync("approval-1", "approve", new { by = "ann" }, ct);
        var meta = await Client.WaitForInstanceCompletionAsync("approval-1", getInputsAndOutputs: true, ct);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, meta.RuntimeStatus);
        Assert.Equal("""{"by":"ann"}""", Normalize(meta.SerializedOutput));
    }

    [Fact]
    public async Task ChildWorkflow_RunsAsASubOrchestrationUnderTheDerivedId()
    {
        var ct = Timeout();

        var meta = await RunAsync("parent", "parent-1", Json("{}"), ct);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, meta.RuntimeStatus);
        Assert.Equal("[10,12]", Normalize(meta.SerializedOutput));

        // The parent has no activity of its own: the two doubles ran in the child orchestration.
        Assert.Equal(2, _calls.Count(c => c.StartsWith("double parent-1", StringComparison.Ordinal)));
    }

    public Task<DefinitionSnapshot?> GetAsync(string workflow, int? version, CancellationToken cancellationToken)
        => Task.FromResult(_definitions.GetValueOrDefault(workflow));

    public Task<NodeOutcome> ExecuteAsync(NodeWork work, CancellationToken cancellationToken)
    {
        var activity = ((ActivityNode)work.Node).Activity;
        _calls.Enqueue($"{activity} {work.Command.Key}");
        return Task.FromResult(activity switch
        {
            "double" => NodeOutcome.Success(JsonSerializer.SerializeToElement(work.Command.Input.GetInt32() * 2)),
            "flaky" => Interlocked.Increment(ref _flakyAttempts) == 1
                ? NodeOutcome.Failure(new WorkflowError(ErrorTypes.Timeout, "slow"))
                : NodeOutcome.Success(JsonSerializer.SerializeToElement("second time lucky")),
            _ => NodeOutcome.Success(JsonSerializer.SerializeToElement(activity)),
        });
    }

    private async Task<OrchestrationMetadata> RunAsync(string workflow, string instanceId, JsonElement input, CancellationToken ct)
    {
        await Client.ScheduleNewOrchestrationInstanceAsync(
            TaskNames.Orchestrator, new OrchestrationInput(workflow, 1, input), new StartOrchestrationOptions(instanceId), ct);
        return await Client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, ct);
    }

    // The serialized output is JSON of a JsonElement; compare it without whitespace differences.
    private static string Normalize(string? json) => json is null ? "null" : JsonSerializer.Serialize(JsonDocument.Parse(json).RootElement);
}
