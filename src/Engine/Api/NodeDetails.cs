using System.Buffers.Text;
using System.Text;
using System.Text.Json.Nodes;
using Serverless.Engine.Decisions;

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
    /// One page: per node <c>{path, nodeId, status, attempts, startedAt, completedAt, output, error}</c>
    /// (status in lower case, as <c>runAfter</c> names outcomes).
    /// </summary>
    public static NodeDetailsPage List(InstanceState state, int top, string? after)
    {
        ArgumentNullException.ThrowIfNull(state);
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

            items.Add(ToJson(path, node));
            last = path;
        }

        return new NodeDetailsPage(items, more && last is not null ? Base64Url.EncodeToString(Encoding.UTF8.GetBytes(last)) : null);
    }

    private static JsonObject ToJson(string path, NodeState node) => new()
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
}
