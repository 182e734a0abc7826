using System.Text.Json;
using Serverless.Engine.Decisions;
using Serverless.Engine.Definitions;
using Serverless.Engine.Testing;

namespace Serverless.Engine.Tests.Infrastructure;

/// <summary>Shared helpers for the decider's end-to-end tests: JSON, plans, hosts, results and assertions.</summary>
internal static class Wf
{
    /// <summary>Where every test host's virtual clock starts.</summary>
    public static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    public static JsonElement EmptyInput => Json("{}");

    public static WorkflowDefinition Parse(string json)
    {
        var result = DefinitionParser.Parse(json);
        Assert.True(result.IsValid, "The test definition is invalid: " + string.Join("; ", result.Errors.Select(e => $"{e.Path}: {e.Message}")));
        return result.Definition!;
    }

    public static WorkflowPlan Plan(string json, PlanOptions? options = null, int version = 1)
        => WorkflowPlan.Compile(Parse(json), version, options);

    public static EngineTestHost Host(PlanOptions? options = null) => new(T0, options);

    /// <summary>Registers <paramref name="json"/> and starts its workflow (name "wf" unless given) with <paramref name="input"/>.</summary>
    public static string Run(this EngineTestHost host, string json, string input = "{}", string? instanceId = null, bool run = true)
    {
        host.Register(json);
        var name = Json(json).GetProperty("name").GetString()!;
        return host.Start(name, Json(input), instanceId, run: run);
    }

    public static ActivityResult Ok(string json, double seconds = 0) => ActivityResult.Success(Json(json), TimeSpan.FromSeconds(seconds));

    public static ActivityResult Err(string type, string message = "boom", string? details = null, double seconds = 0, TimeSpan? retryAfter = null)
        => ActivityResult.Failure(new WorkflowError(type, message, details is null ? null : Json(details)), retryAfter, TimeSpan.FromSeconds(seconds));

    public static WorkflowError Error(string type, string message = "boom", string? details = null)
        => new(type, message, details is null ? null : Json(details));

    public static NodeState Node(this EngineTestHost host, string instanceId, string path)
    {
        Assert.True(host.State(instanceId).Nodes.TryGetValue(path, out var state), $"node '{path}' has no state");
        return state!;
    }

    public static NodeStatus StatusOf(this EngineTestHost host, string instanceId, string path)
        => host.State(instanceId).Nodes.TryGetValue(path, out var state) ? state.Status : NodeStatus.Pending;

    public static List<T> CommandsOf<T>(this EngineTestHost host, string instanceId) where T : WorkflowCommand
        => [.. host.Commands(instanceId).OfType<T>()];

    public static DateTimeOffset At(double seconds) => T0.AddSeconds(seconds);

    public static void AssertJson(string expected, JsonElement? actual)
    {
        var want = Json(expected);
        var got = actual ?? Json("null");
        Assert.True(JsonElement.DeepEquals(want, got), $"expected {want.GetRawText()}, got {got.GetRawText()}");
    }

    public static void AssertCompleted(this EngineTestHost host, string instanceId, string expectedOutput)
    {
        var state = host.State(instanceId);
        Assert.True(state.Status == InstanceStatus.Completed, $"instance is {state.Status}: {state.Error}");
        AssertJson(expectedOutput, state.Output);
    }

    public static WorkflowError AssertFailed(this EngineTestHost host, string instanceId, string errorType)
    {
        var state = host.State(instanceId);
        Assert.Equal(InstanceStatus.Failed, state.Status);
        Assert.NotNull(state.Error);
        Assert.Equal(errorType, state.Error.Type);
        return state.Error;
    }

    /// <summary>Counts calls per key (activity name or http node id) and records every call.</summary>
    public sealed class Calls
    {
        public List<ActivityCall> All { get; } = [];

        public int Count(string nodeIdOrPath) => All.Count(c => c.NodeId == nodeIdOrPath || c.Path == nodeIdOrPath);

        public Func<ActivityCall, ActivityResult> Record(Func<ActivityCall, ActivityResult> handler) => call =>
        {
            All.Add(call);
            return handler(call);
        };
    }
}
