using System.Text.Json.Nodes;
using Serverless.Engine.Decisions;
using Serverless.Engine.Definitions;

namespace Serverless.Engine.Api;

/// <summary>
/// The <c>historyEvents</c> of a Durable status answer (<c>showHistory=true</c>), in Durable Functions' shape, built
/// from the instance's node records: <c>ExecutionStarted</c>; per finished node that did durable work,
/// <c>TaskCompleted</c>/<c>TaskFailed</c> (http and activity), <c>SubOrchestrationInstanceCompleted</c>/<c>...Failed</c>
/// (workflow), <c>EventRaised</c> (event), <c>TimerFired</c> (wait); then <c>ExecutionCompleted</c>,
/// <c>ExecutionFailed</c> or <c>ExecutionTerminated</c> for a final instance. Ordered by time, then path.
/// </summary>
internal static class HistoryEvents
{
    /// <summary>Builds the events; results and outputs only when <paramref name="showOutput"/> (<c>showHistoryOutput=true</c>).</summary>
    public static JsonArray Build(InstanceState state, WorkflowPlan? plan, bool showOutput)
    {
        ArgumentNullException.ThrowIfNull(state);
        var events = new List<(DateTimeOffset At, string Path, JsonObject Event)>();
        foreach (var (path, node) in state.Nodes)
        {
            if (node.CompletedAt is not { } completed || plan is null || !plan.Nodes.TryGetValue(node.NodeId, out var planNode)
                || node.Status is not (NodeStatus.Succeeded or NodeStatus.Failed))
            {
                continue;
            }

            var succeeded = node.Status == NodeStatus.Succeeded;
            JsonObject? entry = planNode.Definition switch
            {
                HttpNode or ActivityNode => new JsonObject
                {
                    ["EventType"] = succeeded ? "TaskCompleted" : "TaskFailed",
                    ["FunctionName"] = planNode.Definition is ActivityNode activity ? activity.Activity : "http",
                    ["ScheduledTime"] = Time(node.StartedAt),
                },
                WorkflowNode child => new JsonObject
                {
                    ["EventType"] = succeeded ? "SubOrchestrationInstanceCompleted" : "SubOrchestrationInstanceFailed",
                    ["FunctionName"] = child.Workflow,
                    ["ScheduledTime"] = Time(node.StartedAt),
                },
                EventNode wait when succeeded => new JsonObject { ["EventType"] = "EventRaised", ["Name"] = wait.EventName },
                WaitNode when succeeded => new JsonObject { ["EventType"] = "TimerFired", ["FireAt"] = Time(completed) },
                _ => null,
            };
            if (entry is null)
            {
                continue;
            }

            entry["NodePath"] = path;
            AddOutcome(entry, succeeded ? node.Output : null, succeeded ? null : node.Error, showOutput);
            entry["Timestamp"] = Time(completed);
            events.Add((completed, path, entry));
        }

        var history = new JsonArray
        {
            new JsonObject
            {
                ["EventType"] = "ExecutionStarted",
                ["FunctionName"] = state.Workflow,
                ["Timestamp"] = Time(state.CreatedAt),
            },
        };
        foreach (var (_, _, entry) in events.OrderBy(e => e.At).ThenBy(e => e.Path, StringComparer.Ordinal))
        {
            history.Add(entry);
        }

        if (state.Status.IsFinal)
        {
            var end = new JsonObject
            {
                ["EventType"] = state.Status switch
                {
                    InstanceStatus.Completed => "ExecutionCompleted",
                    InstanceStatus.Failed => "ExecutionFailed",
                    _ => "ExecutionTerminated",
                },
                ["OrchestrationStatus"] = StatusBuilder.RuntimeStatusName(state.Status),
            };
            AddOutcome(end, state.Status == InstanceStatus.Completed ? state.Output : null, state.Error, showOutput);
            end["Timestamp"] = Time(state.LastUpdatedAt);
            history.Add(end);
        }

        return history;
    }

    // Result (with showOutput) for a success; Reason and Details (the error's type and details) for a failure.
    private static void AddOutcome(JsonObject entry, System.Text.Json.JsonElement? output, WorkflowError? error, bool showOutput)
    {
        if (error is not null)
        {
            entry["Reason"] = $"{error.Type}: {error.Message}";
            entry["Details"] = error.Details is { } details ? JsonNode.Parse(details.GetRawText()) : null;
        }
        else if (showOutput)
        {
            entry["Result"] = output is { } value ? JsonNode.Parse(value.GetRawText()) : null;
        }
    }

    private static string? Time(DateTimeOffset? at) => at is { } value ? StatusBuilder.FormatTime(value) : null;
}
