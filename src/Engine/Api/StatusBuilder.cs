using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.Engine.Decisions;

namespace Serverless.Engine.Api;

/// <summary>Builds the Durable status object and its <c>customStatus</c> from an <see cref="InstanceState"/>.</summary>
internal static class StatusBuilder
{
    /// <summary>Most node paths listed in <c>customStatus.running</c> and <c>customStatus.failed</c>.</summary>
    public const int MaxListedPaths = 20;

    /// <summary>Largest serialized <c>customStatus</c> in bytes (it is always smaller).</summary>
    public const int MaxCustomStatusBytes = 16 * 1024;

    /// <summary>The Durable <c>runtimeStatus</c> name.</summary>
    public static string RuntimeStatusName(Decisions.InstanceStatus status) => status.ToString();

    /// <summary>
    /// The Durable status object <c>{name, instanceId, runtimeStatus, input, customStatus, output, createdTime, lastUpdatedTime}</c>.
    /// <paramref name="plan"/> (the instance's pinned version) lets <c>counts.pending</c> include nodes not decided yet.
    /// </summary>
    public static JsonObject Build(InstanceState state, WorkflowPlan? plan)
    {
        ArgumentNullException.ThrowIfNull(state);
        JsonNode? output = state.Status switch
        {
            Decisions.InstanceStatus.Completed => ToNode(state.Output),
            Decisions.InstanceStatus.Failed or Decisions.InstanceStatus.Terminated when state.Error is not null => ErrorToJson(state.Error),
            _ => null,
        };
        return new JsonObject
        {
            ["name"] = state.Workflow,
            ["instanceId"] = state.InstanceId,
            ["runtimeStatus"] = RuntimeStatusName(state.Status),
            ["input"] = new JsonObject
            {
                ["workflow"] = state.Workflow,
                ["version"] = state.Version,
                ["input"] = ToNode(state.Input),
            },
            ["customStatus"] = BuildCustomStatus(state, plan),
            ["output"] = output,
            ["createdTime"] = FormatTime(state.CreatedAt),
            ["lastUpdatedTime"] = FormatTime(state.LastUpdatedAt),
        };
    }

    /// <summary>
    /// <c>{workflow, version, counts: {succeeded, failed, skipped, cancelled, running, pending}, running: [≤ 20],
    /// failed: [≤ 20], error}</c>, always under 16 KB: paths are listed in ordinal order, and an error too large to fit
    /// loses its details, then has its message shortened.
    /// </summary>
    /// <remarks>
    /// Counts cover every node and body-node path the instance has reached (iteration entries such as <c>each[3]</c>
    /// are not nodes and are not counted); <c>pending</c> adds the top-level nodes not reached yet.
    /// </remarks>
    public static JsonObject BuildCustomStatus(InstanceState state, WorkflowPlan? plan)
    {
        ArgumentNullException.ThrowIfNull(state);
        int succeeded = 0, failed = 0, skipped = 0, cancelled = 0, running = 0, pending = 0;
        var runningPaths = new JsonArray();
        var failedPaths = new JsonArray();
        foreach (var (path, node) in state.Nodes)
        {
            if (IsIteration(path))
            {
                continue;
            }

            switch (node.Status)
            {
                case NodeStatus.Succeeded: succeeded++; break;
                case NodeStatus.Failed:
                    failed++;
                    if (failedPaths.Count < MaxListedPaths)
                    {
                        failedPaths.Add(Truncate(path, 256));
                    }

                    break;
                case NodeStatus.Skipped: skipped++; break;
                case NodeStatus.Cancelled: cancelled++; break;
                case NodeStatus.Running:
                    running++;
                    if (runningPaths.Count < MaxListedPaths)
                    {
                        runningPaths.Add(Truncate(path, 256));
                    }

                    break;
                default: pending++; break;
            }
        }

        if (plan is not null)
        {
            pending += plan.Root.Nodes.Count(n => !state.Nodes.ContainsKey(n.Id));
        }

        var status = new JsonObject
        {
            ["workflow"] = state.Workflow,
            ["version"] = state.Version,
            ["counts"] = new JsonObject
            {
                ["succeeded"] = succeeded,
                ["failed"] = failed,
                ["skipped"] = skipped,
                ["cancelled"] = cancelled,
                ["running"] = running,
                ["pending"] = pending,
            },
            ["running"] = runningPaths,
            ["failed"] = failedPaths,
            ["error"] = state.Error is null ? null : ErrorToJson(state.Error),
        };
        if (Size(status) < MaxCustomStatusBytes || state.Error is null)
        {
            return status;
        }

        var withoutDetails = state.Error with { Details = null };
        status["error"] = ErrorToJson(withoutDetails);
        var excess = Size(status) - (MaxCustomStatusBytes - 64);
        if (excess > 0)
        {
            var message = withoutDetails.Message;
            var keep = Math.Max(0, message.Length - excess);
            status["error"] = ErrorToJson(withoutDetails with { Message = message[..keep] + "..." });
        }

        return status;
    }

    /// <summary>An error as JSON <c>{type, message, details?}</c>.</summary>
    public static JsonObject ErrorToJson(WorkflowError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var node = new JsonObject { ["type"] = error.Type, ["message"] = error.Message };
        if (error.Details is { } details && details.ValueKind != JsonValueKind.Undefined)
        {
            node["details"] = ToNode(details);
        }

        return node;
    }

    /// <summary>Durable's timestamp format (UTC, ISO 8601 with a trailing Z).</summary>
    public static string FormatTime(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>A JSON element as a mutable node (undefined becomes null).</summary>
    public static JsonNode? ToNode(JsonElement? element)
        => element is { } e && e.ValueKind != JsonValueKind.Undefined ? JsonNode.Parse(e.GetRawText()) : null;

    /// <summary>True for an iteration entry (<c>each[3]</c>), false for a node path (<c>each[3].fetch</c>).</summary>
    public static bool IsIteration(string path) => path.EndsWith(']');

    private static int Size(JsonNode node) => Encoding.UTF8.GetByteCount(node.ToJsonString());

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];
}
