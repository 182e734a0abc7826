using System.Text.Json.Nodes;

namespace Serverless.Engine.Api;

/// <summary>
/// The Durable Functions check-status payload: <c>{id, statusQueryGetUri, sendEventPostUri, terminatePostUri,
/// purgeHistoryDeleteUri, suspendPostUri, resumePostUri}</c>. <c>{eventName}</c> and <c>{text}</c> are literal
/// placeholders the client replaces, as in Durable Functions.
/// </summary>
internal static class CheckStatusPayload
{
    /// <summary>The route prefix of the Durable instance API.</summary>
    public const string InstancesRoute = "runtime/webhooks/durabletask/instances";

    /// <summary>Builds the payload.</summary>
    /// <param name="baseUri">Scheme, host and path base, e.g. <c>http://127.0.0.1:7071</c> (no trailing slash needed).</param>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="taskHub">The task hub name (appended as <c>taskHub=</c>, as Durable does); null leaves it out.</param>
    /// <param name="connection">The connection name (appended as <c>connection=</c>); null leaves it out.</param>
    /// <param name="code">The API key to append as <c>code=</c>, if the host requires one.</param>
    public static JsonObject Build(string baseUri, string instanceId, string? taskHub, string? connection, string? code)
    {
        ArgumentNullException.ThrowIfNull(baseUri);
        ArgumentNullException.ThrowIfNull(instanceId);
        var root = $"{baseUri.TrimEnd('/')}/{InstancesRoute}/{Uri.EscapeDataString(instanceId)}";
        var common = Query(taskHub, connection, code);
        return new JsonObject
        {
            ["id"] = instanceId,
            ["statusQueryGetUri"] = Append(root, common),
            ["sendEventPostUri"] = Append($"{root}/raiseEvent/{{eventName}}", common),
            ["terminatePostUri"] = Append($"{root}/terminate?reason={{text}}", common),
            ["purgeHistoryDeleteUri"] = Append(root, common),
            ["suspendPostUri"] = Append($"{root}/suspend?reason={{text}}", common),
            ["resumePostUri"] = Append($"{root}/resume?reason={{text}}", common),
        };
    }

    /// <summary>The status URI alone (also the <c>Location</c> header).</summary>
    public static string StatusUri(string baseUri, string instanceId, string? taskHub, string? connection, string? code)
    {
        ArgumentNullException.ThrowIfNull(baseUri);
        ArgumentNullException.ThrowIfNull(instanceId);
        return Append($"{baseUri.TrimEnd('/')}/{InstancesRoute}/{Uri.EscapeDataString(instanceId)}", Query(taskHub, connection, code));
    }

    private static string Query(string? taskHub, string? connection, string? code)
        => string.Join('&', new[] { ("taskHub", taskHub), ("connection", connection), ("code", code) }
            .Where(p => !string.IsNullOrEmpty(p.Item2))
            .Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2!)}"));

    private static string Append(string uri, string query)
        => query.Length == 0 ? uri : uri + (uri.Contains('?', StringComparison.Ordinal) ? '&' : '?') + query;
}
