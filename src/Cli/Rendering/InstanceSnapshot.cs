using System.Text.Json;
using Serverless.Cli.Api;

namespace Serverless.Cli.Rendering;

/// <summary>An instance's status and nodes at one moment, with those of the child workflows its nodes started.</summary>
internal sealed record InstanceSnapshot(JsonElement Status, IReadOnlyList<JsonElement> Nodes, IReadOnlyDictionary<string, InstanceSnapshot> Children)
{
    /// <summary>How deep child workflows are read.</summary>
    public const int MaxChildDepth = 3;

    /// <summary>The instance's <c>runtimeStatus</c>.</summary>
    public string? RuntimeStatus => Formats.Text(Status, "runtimeStatus");

    /// <summary>Reads <paramref name="id"/> (or uses <paramref name="status"/> when already read) and its children.</summary>
    public static async Task<InstanceSnapshot> LoadAsync(
        WorkflowsApiClient client, string id, JsonElement? status, CancellationToken cancellationToken, int depth = 0)
    {
        ArgumentNullException.ThrowIfNull(client);
        var nodesTask = client.ListNodesAsync(id, cancellationToken);
        var read = status ?? await client.GetStatusAsync(id, cancellationToken);
        var nodes = await nodesTask;
        var children = new Dictionary<string, InstanceSnapshot>(StringComparer.Ordinal);
        if (depth < MaxChildDepth)
        {
            foreach (var node in nodes)
            {
                if (Formats.Text(node, "childInstanceId") is { } child && !children.ContainsKey(child))
                {
                    try
                    {
                        children[child] = await LoadAsync(client, child, null, cancellationToken, depth + 1);
                    }
                    catch (ApiException e) when (e.Status == 404)
                    {
                        // A child not started yet, or purged: the node shows its id only.
                    }
                }
            }
        }

        return new InstanceSnapshot(read, nodes, children);
    }
}
