using System.Buffers.Text;
using System.Text;
using System.Text.Json.Nodes;
using Serverless.Engine.Decisions;
using Serverless.Engine.Definitions;

namespace Serverless.Engine.Api;

/// <summary>One page of <c>GET /api/instances/{id}/nodes</c>.</summary>
/// <param name="Items">The nodes of the page.</param>
/// <param name="ContinuationToken">The token for the next page, or null at the end.</param>
internal sealed record NodeDetailsPage(JsonArray Items, string? ContinuationToken);

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

/// <summary>The filter of <c>GET .../instances</c>.</summary>
/// <param name="Statuses">Runtime statuses to include; empty means all.</param>
/// <param name="CreatedFrom">Inclusive lower bound of the created time.</param>
/// <param name="CreatedTo">Exclusive upper bound of the created time.</param>
/// <param name="InstanceIdPrefix">Instance id prefix.</param>
/// <param name="Top">Page size.</param>
internal sealed record InstanceQuery(
    IReadOnlyList<Decisions.InstanceStatus> Statuses,
    DateTimeOffset? CreatedFrom,
    DateTimeOffset? CreatedTo,
    string? InstanceIdPrefix,
    int Top)
{
    /// <summary>Page size when <c>top</c> is absent.</summary>
    public const int DefaultTop = 100;

    /// <summary>Largest page.</summary>
    public const int MaxTop = 1000;

    /// <summary>Parses the query parameters of <c>GET .../instances</c>.</summary>
    public static ApiError? TryParse(string? runtimeStatus, string? createdTimeFrom, string? createdTimeTo, string? instanceIdPrefix, string? top, out InstanceQuery query)
    {
        query = new InstanceQuery([], null, null, null, DefaultTop);
        var errors = new List<ValidationError>();
        var statuses = new List<Decisions.InstanceStatus>();
        foreach (var part in (runtimeStatus ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (Enum.TryParse<Decisions.InstanceStatus>(part, ignoreCase: true, out var status) && !int.TryParse(part, out _))
            {
                statuses.Add(status);
            }
            else
            {
                errors.Add(new ValidationError("runtimeStatus", $"'{ApiValidation.Shorten(part)}' is not a runtime status (Pending, Running, Completed, Failed, Terminated, Suspended)."));
            }
        }

        var from = ParseTime(createdTimeFrom, "createdTimeFrom", errors);
        var to = ParseTime(createdTimeTo, "createdTimeTo", errors);
        var size = DefaultTop;
        if (!string.IsNullOrEmpty(top)
            && (!int.TryParse(top, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out size) || size < 1 || size > MaxTop))
        {
            errors.Add(new ValidationError("top", $"top must be an integer from 1 to {MaxTop}."));
        }

        if (instanceIdPrefix is not null && instanceIdPrefix.Any(char.IsControl))
        {
            errors.Add(new ValidationError("instanceIdPrefix", $"'{ApiValidation.Shorten(instanceIdPrefix)}' has a control character; no instance id has one."));
        }

        if (errors.Count > 0)
        {
            return ApiError.Validation("The instance query is invalid.", errors);
        }

        query = new InstanceQuery(statuses, from, to, string.IsNullOrEmpty(instanceIdPrefix) ? null : instanceIdPrefix, size);
        return null;
    }

    private static DateTimeOffset? ParseTime(string? text, string name, List<ValidationError> errors)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal, out var value))
        {
            return value;
        }

        errors.Add(new ValidationError(name, $"'{ApiValidation.Shorten(text)}' is not an ISO 8601 timestamp."));
        return null;
    }
}
