using System.Text.Json.Nodes;

namespace Serverless.Standalone.Bench.Load;

/// <summary>The definitions the load scenarios register: no-op nodes are <c>activity</c> nodes calling the host's <c>echo</c>.</summary>
internal static class LoadWorkflows
{
    /// <summary>A chain of <paramref name="length"/> echo nodes <c>n0</c>..., each echoing the previous output; the output is the last one's (the input).</summary>
    public static string Linear(string name, int length)
    {
        var nodes = new JsonObject();
        for (var i = 0; i < length; i++)
        {
            nodes[$"n{i}"] = Echo(i == 0 ? "${{ input }}" : $"${{{{ nodes.n{i - 1}.output }}}}", i == 0 ? null : $"n{i - 1}");
        }

        return Workflow(name, nodes, $"${{{{ nodes.n{length - 1}.output }}}}");
    }

    /// <summary>
    /// A root echo node, <paramref name="branches"/> parallel chains of <paramref name="depth"/> echo nodes after it
    /// (fan-out), and a join node after every chain's last node (fan-in) echoing the array of their outputs, which is the
    /// output: <c>[input, input, ...]</c>. 1 + branches × depth + 1 nodes.
    /// </summary>
    public static string Branching(string name, int branches, int depth)
    {
        var nodes = new JsonObject { ["root"] = Echo("${{ input }}", null) };
        var tails = new JsonArray();
        var joinInput = new JsonArray();
        for (var b = 0; b < branches; b++)
        {
            for (var d = 0; d < depth; d++)
            {
                var previous = d == 0 ? "root" : $"b{b}_{d - 1}";
                nodes[$"b{b}_{d}"] = Echo($"${{{{ nodes.{previous}.output }}}}", previous);
            }

            tails.Add($"b{b}_{depth - 1}");
            joinInput.Add($"${{{{ nodes.b{b}_{depth - 1}.output }}}}");
        }

        nodes["join"] = new JsonObject { ["type"] = "activity", ["activity"] = "echo", ["input"] = joinInput, ["runAfter"] = tails };
        return Workflow(name, nodes, "${{ nodes.join.output }}");
    }

    /// <summary>
    /// A chain of <paramref name="length"/> <c>http</c> GETs to <paramref name="url"/>, each retried on 5xx with
    /// <paramref name="retry"/>, sending its idempotency key in <paramref name="keyHeader"/>; the output is the last answer's status.
    /// </summary>
    public static string Flaky(string name, int length, Uri url, JsonObject retry, string keyHeader)
    {
        var nodes = new JsonObject();
        for (var i = 0; i < length; i++)
        {
            var node = new JsonObject
            {
                ["type"] = "http",
                ["request"] = new JsonObject { ["method"] = "GET", ["url"] = $"{url}?instance=${{{{ instance.id }}}}&node=h{i}" },
                ["retry"] = retry.DeepClone(),
                ["idempotencyKeyHeader"] = keyHeader,
            };
            if (i > 0)
            {
                node["runAfter"] = new JsonArray($"h{i - 1}");
            }

            nodes[$"h{i}"] = node;
        }

        return Workflow(name, nodes, $"${{{{ nodes.h{length - 1}.output.status }}}}");
    }

    /// <summary>A chain of <paramref name="length"/> <c>wait</c> nodes <c>w0</c>... of <paramref name="duration"/> each; the output is <paramref name="length"/>.</summary>
    public static string Waits(string name, int length, string duration)
    {
        var nodes = new JsonObject();
        for (var i = 0; i < length; i++)
        {
            var node = new JsonObject { ["type"] = "wait", ["duration"] = duration };
            if (i > 0)
            {
                node["runAfter"] = new JsonArray($"w{i - 1}");
            }

            nodes[$"w{i}"] = node;
        }

        return Workflow(name, nodes, length);
    }

    /// <summary>A chain of <paramref name="length"/> <c>event</c> nodes <c>e0</c>... on event <c>tick</c>; the output is the array of their payloads.</summary>
    public static string Events(string name, int length)
    {
        var nodes = new JsonObject();
        var payloads = new JsonArray();
        for (var i = 0; i < length; i++)
        {
            var node = new JsonObject { ["type"] = "event", ["event"] = "tick" };
            if (i > 0)
            {
                node["runAfter"] = new JsonArray($"e{i - 1}");
            }

            nodes[$"e{i}"] = node;
            payloads.Add($"${{{{ nodes.e{i}.output }}}}");
        }

        return Workflow(name, nodes, payloads);
    }

    private static JsonObject Echo(string input, string? after)
    {
        var node = new JsonObject { ["type"] = "activity", ["activity"] = "echo", ["input"] = input };
        if (after is not null)
        {
            node["runAfter"] = new JsonArray(after);
        }

        return node;
    }

    private static string Workflow(string name, JsonObject nodes, JsonNode output)
        => new JsonObject { ["name"] = name, ["nodes"] = nodes, ["output"] = output }.ToJsonString();
}
