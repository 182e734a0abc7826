using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Serverless.Engine.Decisions;
using Serverless.Engine.Definitions;

namespace Serverless.Engine.Telemetry;

/// <summary>
/// Writes spans whose start lies in the past (a run, a timer, an event wait), emitted once when they end, and gives the
/// run span the id its children already name as their parent.
/// </summary>
/// <remarks>
/// <see cref="Activity"/> has no public way to choose a span id, so <see cref="Emit"/> sets its private fields, as
/// durabletask-dotnet, the Durable Functions extension and the Functions worker do for the same reason. Should a runtime
/// ever lack them, the run span keeps the id it was given (its children then name a parent that is not exported).
/// </remarks>
internal static class Spans
{
    private static readonly FieldInfo? SpanIdField = typeof(Activity).GetField("_spanId", BindingFlags.NonPublic | BindingFlags.Instance);
    private static readonly FieldInfo? IdField = typeof(Activity).GetField("_id", BindingFlags.NonPublic | BindingFlags.Instance);

    /// <summary>True when the span ids of emitted spans can be chosen on this runtime.</summary>
    public static bool CanChooseSpanIds => SpanIdField?.FieldType == typeof(string) && IdField?.FieldType == typeof(string);

    /// <summary>Emits a finished span from <paramref name="start"/> to <paramref name="end"/> under <paramref name="parent"/>; nothing when nobody listens.</summary>
    public static void Emit(
        string name,
        ActivityKind kind,
        ActivityContext parent,
        DateTimeOffset start,
        DateTimeOffset end,
        in TagList tags,
        ActivitySpanId? spanId = null,
        WorkflowError? error = null,
        ActivityLink? link = null)
    {
        var source = WorkflowTelemetry.Current.Source;
        if (!source.HasListeners())
        {
            return;
        }

        var activity = source.CreateActivity(name, kind, parent, tags, link is { } l ? [l] : null, ActivityIdFormat.W3C);
        if (activity is null)
        {
            return;
        }

        var previous = Activity.Current;
        activity.SetStartTime(start.UtcDateTime);
        activity.Start();
        if (spanId is { } id && CanChooseSpanIds)
        {
            var flags = (activity.ActivityTraceFlags & ActivityTraceFlags.Recorded) != 0 ? "01" : "00";
            SpanIdField!.SetValue(activity, id.ToHexString());
            IdField!.SetValue(activity, string.Create(CultureInfo.InvariantCulture, $"00-{activity.TraceId.ToHexString()}-{id.ToHexString()}-{flags}"));
        }

        if (error is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, error.Message);
        }

        activity.SetEndTime((end < start ? start : end).UtcDateTime);
        activity.Stop();
        Activity.Current = previous;
    }

    /// <summary>The W3C <c>traceparent</c> of <paramref name="context"/>.</summary>
    public static string TraceParent(ActivityContext context) => string.Create(
        CultureInfo.InvariantCulture,
        $"00-{context.TraceId.ToHexString()}-{context.SpanId.ToHexString()}-{((context.TraceFlags & ActivityTraceFlags.Recorded) != 0 ? "01" : "00")}");

    /// <summary>Adds <c>workflow.input</c> or <c>workflow.output</c>: the JSON, cut at <see cref="TraceOptions.MaxPayloadLength"/>.</summary>
    public static void AddPayload(ref TagList tags, string name, System.Text.Json.JsonElement? value)
    {
        if (Payload(value) is { } text)
        {
            tags.Add(name, text);
        }
    }

    /// <summary>The JSON text of <paramref name="value"/> for an attribute, cut at <see cref="TraceOptions.MaxPayloadLength"/>; null when undefined.</summary>
    public static string? Payload(System.Text.Json.JsonElement? value)
    {
        if (value is not { ValueKind: not System.Text.Json.JsonValueKind.Undefined } json)
        {
            return null;
        }

        var text = json.GetRawText();
        return text.Length <= TraceOptions.MaxPayloadLength ? text : string.Concat(text.AsSpan(0, TraceOptions.MaxPayloadLength - 1), "…");
    }

    /// <summary>The attributes every span of an instance carries.</summary>
    public static TagList InstanceTags(string workflow, int version, string instanceId) => new()
    {
        { TraceAttributes.Workflow, workflow },
        { TraceAttributes.Version, version },
        { TraceAttributes.InstanceId, instanceId },
    };

    /// <summary>Adds a node's id, type, path and innermost iteration.</summary>
    public static void AddNode(ref TagList tags, string path, NodeDefinition? node)
    {
        tags.Add(TraceAttributes.NodeId, NodePath.NodeId(path));
        if (node is not null)
        {
            tags.Add(TraceAttributes.NodeType, NodeTypeNames.Of(node));
        }

        tags.Add(TraceAttributes.NodePath, path);
        if (Iteration(path) is { } iteration)
        {
            tags.Add(TraceAttributes.Iteration, iteration);
        }
    }

    /// <summary>The innermost iteration index in <paramref name="path"/> (<c>each[3].fetch</c>: 3), or null at the top.</summary>
    public static int? Iteration(string path)
    {
        var close = path.LastIndexOf(']');
        if (close < 0)
        {
            return null;
        }

        var open = path.LastIndexOf('[', close);
        return int.Parse(path.AsSpan(open + 1, close - open - 1), NumberStyles.None, CultureInfo.InvariantCulture);
    }
}
