using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.Engine.Decisions;
using Serverless.Engine.Definitions;

namespace Serverless.Engine.Api;

/// <summary>The per-node detail listing: every node and body iteration the instance reached, in ordinal path order, paged.</summary>
internal static class NodeDetails
{
    /// <summary>Page size when <c>top</c> is absent.</summary>
    public const int DefaultTop = 100;

    /// <summary>Largest page.</summary>
    public const int MaxTop = 1000;

    /// <summary>Parses <c>top</c> and <c>continuationToken</c>.</summary>
    public static ApiError? TryParsePaging(string? top, string? continuationToken, out int size, out string? after)
    {
        size = DefaultTop;
        after = null;
        if (!string.IsNullOrEmpty(top))
        {
            if (!int.TryParse(top, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out size) || size < 1 || size > MaxTop)
            {
                return ApiError.Invalid("top", $"top must be an integer from 1 to {MaxTop}.");
            }
        }

        if (!string.IsNullOrEmpty(continuationToken))
        {
            try
            {
                after = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(continuationToken));
            }
            catch (FormatException)
            {
                return ApiError.Invalid("continuationToken", "continuationToken is not a token this host issued.");
            }
        }

        return null;
    }

    /// <summary>
    /// One page: per node <c>{path, nodeId, status, attempts, startedAt, completedAt, output, error, outcome}</c>
    /// (status in lower case, as <c>runAfter</c> names outcomes), and where they apply <c>waitingFor</c>,
    /// <c>childInstanceId</c> (needs <paramref name="plan"/>), <c>items</c>, <c>attemptLog</c> and
    /// <c>attemptLogDropped</c>.
    /// </summary>
    public static NodeDetailsPage List(InstanceState state, int top, string? after, WorkflowPlan? plan = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        var waiting = WaitingEvents(state, plan);
        var items = new JsonArray();
        string? last = null;
        var more = false;
        foreach (var (path, node) in state.Nodes)
        {
            if (after is not null && string.CompareOrdinal(path, after) <= 0)
            {
                continue;
            }

            if (items.Count == top)
            {
                more = true;
                break;
            }

            items.Add(ToJson(state, plan, waiting, path, node));
            last = path;
        }

        return new NodeDetailsPage(items, more && last is not null ? Base64Url.EncodeToString(Encoding.UTF8.GetBytes(last)) : null);
    }

    private static JsonObject ToJson(InstanceState state, WorkflowPlan? plan, Dictionary<string, string> waiting, string path, NodeState node)
    {
        var json = new JsonObject
        {
            ["path"] = path,
            ["nodeId"] = node.NodeId,
            ["status"] = node.Status.ToString().ToLowerInvariant(),
            ["attempts"] = node.Attempt,
            ["startedAt"] = node.StartedAt is { } s ? StatusBuilder.FormatTime(s) : null,
            ["completedAt"] = node.CompletedAt is { } c ? StatusBuilder.FormatTime(c) : null,
            ["output"] = StatusBuilder.ToNode(node.Output),
            ["error"] = node.Error is null ? null : StatusBuilder.ErrorToJson(node.Error),
            ["outcome"] = node.Outcome,
        };
        if (WaitingFor(state, waiting, path, node) is { } waitingFor)
        {
            json["waitingFor"] = waitingFor;
        }

        var iteration = path.EndsWith(']');
        if (!iteration && node.Attempt > 0 && plan is not null
            && plan.Nodes.TryGetValue(node.NodeId, out var planNode) && planNode.Definition is WorkflowNode)
        {
            json["childInstanceId"] = NodePath.Key(state.InstanceId, path, node.Epoch, node.Attempt);
        }

        if (!iteration && node.Items is { ValueKind: JsonValueKind.Array } evaluated)
        {
            json["items"] = new JsonObject
            {
                ["total"] = evaluated.GetArrayLength(),
                ["done"] = node.Done,
                ["failed"] = node.FailedItems,
                ["active"] = node.Active,
            };
        }

        if (node.Attempt > 0)
        {
            json["attemptLog"] = AttemptLog(node);
            if (node.AttemptLogDropped > 0)
            {
                json["attemptLogDropped"] = node.AttemptLogDropped;
            }
        }

        return json;
    }

    /// <summary>The event each waiting event node waits for, by path (as the definition spells it when the plan is known).</summary>
    private static Dictionary<string, string> WaitingEvents(InstanceState state, WorkflowPlan? plan)
    {
        var waiting = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, paths) in state.Waiters)
        {
            foreach (var path in paths)
            {
                waiting[path] = plan is not null && plan.Nodes.TryGetValue(NodePath.NodeId(path), out var node) && node.Definition is EventNode e
                    ? e.EventName
                    : name;
            }
        }

        return waiting;
    }

    /// <summary><c>{event?, timerDueAt?, retryAt?}</c> for a running node that waits; null otherwise.</summary>
    private static JsonObject? WaitingFor(InstanceState state, Dictionary<string, string> waiting, string path, NodeState node)
    {
        if (node.Status != NodeStatus.Running)
        {
            return null;
        }

        var json = new JsonObject();
        if (waiting.TryGetValue(path, out var name))
        {
            json["event"] = name;
        }

        if (node.TimerId is { } id && state.Timers.TryGetValue(id, out var timer))
        {
            switch (timer.Purpose)
            {
                case TimerPurpose.Wait or TimerPurpose.EventTimeout:
                    json["timerDueAt"] = StatusBuilder.FormatTime(timer.DueAt);
                    break;
                case TimerPurpose.Retry:
                    json["retryAt"] = StatusBuilder.FormatTime(timer.DueAt);
                    break;
                default:
                    break;
            }
        }

        return json.Count == 0 ? null : json;
    }

    /// <summary>
    /// Every attempt of the epoch still recorded, oldest first: the failed ones a retry followed (from the node's log),
    /// then the current one unless it is the log's last (the node waits for its retry, or was cancelled meanwhile).
    /// </summary>
    private static JsonArray AttemptLog(NodeState node)
    {
        var log = new JsonArray();
        if (!node.AttemptLog.IsDefault)
        {
            foreach (var attempt in node.AttemptLog)
            {
                log.Add(new JsonObject
                {
                    ["attempt"] = attempt.Attempt,
                    ["startedAt"] = StatusBuilder.FormatTime(attempt.StartedAt),
                    ["endedAt"] = StatusBuilder.FormatTime(attempt.EndedAt),
                    ["errorType"] = attempt.ErrorType,
                });
            }
        }

        if (!node.AttemptLog.IsDefaultOrEmpty && node.AttemptLog[^1].Attempt == node.Attempt)
        {
            return log;
        }

        var current = new JsonObject { ["attempt"] = node.Attempt };
        if (node.CurrentAttemptStartedAt is { } started)
        {
            current["startedAt"] = StatusBuilder.FormatTime(started);
        }

        if (node.CompletedAt is { } ended)
        {
            current["endedAt"] = StatusBuilder.FormatTime(ended);
        }

        if (node.Status == NodeStatus.Failed && node.Error is { } error)
        {
            current["errorType"] = error.Type;
        }

        log.Add(current);
        return log;
    }
}
