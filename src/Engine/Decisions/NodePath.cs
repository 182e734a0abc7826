using System.Globalization;

namespace Serverless.Engine.Decisions;

/// <summary>
/// Node paths: <c>fetch</c> at the top, <c>each[3].fetch</c> in item 3 of foreach <c>each</c>, <c>again[2].step</c>
/// in iteration 2 of loop <c>again</c>. Node ids never contain '.', '[' or ':', so paths parse unambiguously.
/// </summary>
internal static class NodePath
{
    /// <summary>The scope prefix of a path: "" at the top, <c>each[3].</c> in a body.</summary>
    public static string Prefix(string path)
    {
        var dot = path.LastIndexOf('.');
        return dot < 0 ? "" : path[..(dot + 1)];
    }

    /// <summary>The node id a path names.</summary>
    public static string NodeId(string path)
    {
        var bracket = path.IndexOf('[', path.LastIndexOf('.') + 1);
        var start = path.LastIndexOf('.') + 1;
        return bracket < 0 ? path[start..] : path[start..bracket];
    }

    /// <summary>The iteration path of an iteration: <c>each[3]</c>.</summary>
    public static string Iteration(string ownerPath, int index) => string.Concat(ownerPath, "[", index.ToString(CultureInfo.InvariantCulture), "]");

    /// <summary>Splits an iteration path <c>each[3]</c> into its owner path and index.</summary>
    public static (string Owner, int Index) ParseIteration(string iterationPath)
    {
        var open = iterationPath.LastIndexOf('[');
        var index = int.Parse(iterationPath.AsSpan(open + 1, iterationPath.Length - open - 2), NumberStyles.None, CultureInfo.InvariantCulture);
        return (iterationPath[..open], index);
    }

    /// <summary>The idempotency key of one attempt, also the id of a child instance: <c>{instance}:{path}:{epoch}:{attempt}</c>.</summary>
    public static string Key(string instanceId, string path, int epoch, int attempt)
        => string.Create(CultureInfo.InvariantCulture, $"{instanceId}:{path}:{epoch}:{attempt}");

    /// <summary>Reads a key made by <see cref="Key"/> for <paramref name="instanceId"/>.</summary>
    public static bool TryParseKey(string instanceId, string key, out string path, out int epoch, out int attempt)
    {
        path = "";
        epoch = attempt = 0;
        if (key.Length <= instanceId.Length + 1 || !key.StartsWith(instanceId, StringComparison.Ordinal) || key[instanceId.Length] != ':')
        {
            return false;
        }

        var rest = key.AsSpan(instanceId.Length + 1);
        var last = rest.LastIndexOf(':');
        if (last < 0 || !int.TryParse(rest[(last + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out attempt))
        {
            return false;
        }

        rest = rest[..last];
        var middle = rest.LastIndexOf(':');
        if (middle <= 0 || !int.TryParse(rest[(middle + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out epoch))
        {
            return false;
        }

        path = rest[..middle].ToString();
        return true;
    }
}
