using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace Serverless.Cli.Rendering;

/// <summary>
/// An instance as a tree: its nodes by path (a foreach's iterations <c>each[3]</c> under it, their nodes under them),
/// child workflows under the node that started them, each with a status icon, attempts, duration and what it waits for.
/// </summary>
internal static class InstanceTree
{
    /// <summary>The tree of <paramref name="snapshot"/>; durations of running nodes are counted to <paramref name="now"/>.</summary>
    public static Tree Build(InstanceSnapshot snapshot, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var tree = new Tree(InstanceLabel(snapshot.Status));
        AddNodes(tree, snapshot, now);
        return tree;
    }

    /// <summary>The label of an instance: icon, id, workflow and version, status.</summary>
    public static string InstanceLabel(JsonElement status)
    {
        var runtime = Formats.Text(status, "runtimeStatus");
        var id = Formats.Text(status, "instanceId") ?? "?";
        var workflow = Api.WorkflowsApiClient.WorkflowOf(status) ?? "?";
        var version = Formats.Property(status, "customStatus") is { ValueKind: JsonValueKind.Object } custom
            && custom.TryGetProperty("version", out var v) ? " v" + v.ToString() : "";
        var label = $"{StatusStyle.Icon(runtime)} [bold]{Markup.Escape(id)}[/] {Markup.Escape(workflow + version)} [{StatusStyle.Color(runtime)}]{Markup.Escape(runtime ?? "")}[/]";
        if (Formats.Time(status, "createdTime") is { } created && Formats.Time(status, "lastUpdatedTime") is { } updated && StatusStyle.IsFinal(runtime))
        {
            label += " " + Formats.Duration(updated - created);
        }

        return label;
    }

    /// <summary>The label of a node: icon, path, status, attempts, duration, what it waits for, items, child, error.</summary>
    public static string NodeLabel(JsonElement node, DateTimeOffset now)
    {
        var status = Formats.Text(node, "status");
        var parts = new List<string>
        {
            $"{StatusStyle.Icon(status)} {Markup.Escape(Formats.Text(node, "path") ?? "?")} [{StatusStyle.Color(status)}]{Markup.Escape(status ?? "")}[/]",
        };
        if (Formats.Property(node, "attempts") is { ValueKind: JsonValueKind.Number } attempts && attempts.GetInt32() > 1)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{attempts.GetInt32()} attempts"));
        }

        if (Formats.Time(node, "startedAt") is { } started)
        {
            parts.Add(Formats.Duration((Formats.Time(node, "completedAt") ?? now) - started));
        }

        if (Formats.Property(node, "waitingFor") is { ValueKind: JsonValueKind.Object } waiting)
        {
            if (Formats.Text(waiting, "event") is { } name)
            {
                parts.Add($"[blue]waits for event '{Markup.Escape(name)}'[/]");
            }

            if (Formats.Time(waiting, "timerDueAt") is { } due)
            {
                parts.Add($"[blue]timer due {Formats.Time(due)}[/]");
            }

            if (Formats.Time(waiting, "retryAt") is { } retry)
            {
                parts.Add($"[blue]retry at {Formats.Time(retry)}[/]");
            }
        }

        if (Formats.Property(node, "items") is { ValueKind: JsonValueKind.Object } items)
        {
            parts.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"items {Count(items, "done")}/{Count(items, "total")} done, {Count(items, "failed")} failed, {Count(items, "active")} active"));
        }

        if (Formats.Text(node, "outcome") is { } outcome)
        {
            parts.Add($"case {Markup.Escape(outcome)}");
        }

        if (Formats.Text(node, "childInstanceId") is { } child)
        {
            parts.Add($"child {Markup.Escape(child)}");
        }

        if (Formats.Property(node, "error") is { ValueKind: JsonValueKind.Object } error)
        {
            parts.Add($"[red]{Markup.Escape($"{Formats.Text(error, "type")}: {Formats.Text(error, "message")}")}[/]");
        }

        return string.Join("  ", parts);
    }

    /// <summary>The path of the node or iteration a path is under: <c>each</c> for <c>each[3]</c>, <c>each[3]</c> for <c>each[3].fetch</c>.</summary>
    public static string? ParentOf(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.EndsWith(']'))
        {
            var open = path.LastIndexOf('[');
            return open > 0 ? path[..open] : null;
        }

        var dot = path.LastIndexOf('.');
        return dot > 0 ? path[..dot] : null;
    }

    private static void AddNodes(IHasTreeNodes root, InstanceSnapshot snapshot, DateTimeOffset now)
    {
        var byPath = new Dictionary<string, TreeNode>(StringComparer.Ordinal);

        // The route lists paths in ordinal order, so a node comes before its iterations and their nodes.
        foreach (var node in snapshot.Nodes)
        {
            var path = Formats.Text(node, "path") ?? "";
            IHasTreeNodes parent = ParentOf(path) is { } parentPath && byPath.TryGetValue(parentPath, out var found) ? found : root;
            var treeNode = parent.AddNode(NodeLabel(node, now));
            byPath[path] = treeNode;
            if (Formats.Text(node, "childInstanceId") is { } child && snapshot.Children.TryGetValue(child, out var childSnapshot))
            {
                var childNode = treeNode.AddNode(InstanceLabel(childSnapshot.Status));
                AddNodes(childNode, childSnapshot, now);
            }
        }
    }

    private static int Count(JsonElement items, string name)
        => items.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : 0;
}
