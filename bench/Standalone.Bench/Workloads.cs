using System.Text.Json.Nodes;

namespace Serverless.Standalone.Bench;

/// <summary>
/// Scenarios A-E of issue 4: their labels, goals and workflow definitions, the same JSON on every target. No-op nodes
/// are <c>activity</c> nodes calling <c>echo</c>, so every one goes through the executor path.
/// </summary>
internal static class Workloads
{
    /// <summary>Every scenario, in the order a run measures them.</summary>
    public static IReadOnlyList<string> All { get; } = ["A", "B", "C", "D", "E"];

    /// <summary>Items of scenario B's foreach.</summary>
    public const int ForeachItems = 300;

    /// <summary>What a scenario does, as the tables show it.</summary>
    public static string Label(string scenario) => scenario switch
    {
        "A" => "A: 100 sequential no-op nodes",
        "B" => "B: foreach of 300 no-op items",
        "C" => "C: 200 instances x 10 sequential nodes",
        "D" => "D: 100 events into one instance",
        "E" => "E: 200 instances waiting 1 s",
        _ => throw new ArgumentException($"Unknown scenario {scenario}; use A-E.", nameof(scenario)),
    };

    /// <summary>The scenario's goal (issue 4).</summary>
    public static string Goal(string scenario) => scenario switch
    {
        "A" => ">= 500 nodes/s",
        "B" => ">= 1,000 nodes/s",
        "C" => ">= 50 instances/s, p95 < 5 s",
        "D" => ">= 450 events/s",
        "E" => "<= 1.5 s, none early",
        _ => throw new ArgumentException($"Unknown scenario {scenario}; use A-E.", nameof(scenario)),
    };

    /// <summary>The unit of the scenario's headline figure (<see cref="ScenarioResult.Figure"/>).</summary>
    public static string Unit(string scenario) => scenario switch
    {
        "A" or "B" => "nodes/s",
        "C" => "instances/s",
        "D" => "events/s",
        "E" => "s",
        _ => throw new ArgumentException($"Unknown scenario {scenario}; use A-E.", nameof(scenario)),
    };

    /// <summary>Whether a larger headline figure is better (a rate); E's is a time, where smaller is better.</summary>
    public static bool HigherIsBetter(string scenario) => scenario != "E";

    /// <summary>A chain of <paramref name="length"/> echo nodes, each taking the previous one's output; the output is the last one's.</summary>
    public static string Chain(string name, int length)
    {
        var nodes = new JsonObject();
        for (var i = 0; i < length; i++)
        {
            var node = new JsonObject { ["type"] = "activity", ["activity"] = "echo", ["input"] = i == 0 ? "${{ input }}" : $"${{{{ nodes.n{i - 1}.output }}}}" };
            if (i > 0)
            {
                node["runAfter"] = new JsonArray($"n{i - 1}");
            }

            nodes[$"n{i}"] = node;
        }

        return new JsonObject { ["name"] = name, ["nodes"] = nodes, ["output"] = $"${{{{ nodes.n{length - 1}.output }}}}" }.ToJsonString();
    }

    /// <summary>A foreach over the input with no concurrency limit, one echo per item; the output is the item count.</summary>
    public static string Foreach(string name) => Named(name, """
        {"nodes":{"each":{"type":"foreach","items":"${{ input }}","maxConcurrency":0,
          "body":{"nodes":{"x":{"type":"activity","activity":"echo","input":"${{ item }}"}},"output":"${{ nodes.x.output }}"}}},
         "output":"${{ nodes.each.output.length }}"}
        """);

    /// <summary>The input of scenario B: <c>[0, 1, ..., 299]</c>.</summary>
    public static string ForeachInput() => new JsonArray([.. Enumerable.Range(0, ForeachItems).Select(i => (JsonNode)i)]).ToJsonString();

    /// <summary>A chain of <paramref name="count"/> event nodes, each taking the next <c>tick</c>; the output is the last event's payload.</summary>
    public static string Events(string name, int count)
    {
        var nodes = new JsonObject();
        for (var i = 0; i < count; i++)
        {
            var node = new JsonObject { ["type"] = "event", ["event"] = "tick" };
            if (i > 0)
            {
                node["runAfter"] = new JsonArray($"e{i - 1}");
            }

            nodes[$"e{i}"] = node;
        }

        return new JsonObject { ["name"] = name, ["nodes"] = nodes, ["output"] = $"${{{{ nodes.e{count - 1}.output }}}}" }.ToJsonString();
    }

    /// <summary>One wait node <c>w</c> of one second.</summary>
    public static string Wait(string name) => Named(name, """{"nodes":{"w":{"type":"wait","duration":"PT1S"}}}""");

    private static string Named(string name, string definition)
    {
        var json = JsonNode.Parse(definition)!.AsObject();
        json.Insert(0, "name", name);
        return json.ToJsonString();
    }
}
