using System.Collections.Immutable;
using System.Text;
using Serverless.Engine.Definitions;
using Serverless.Engine.Diagrams;
using Serverless.Engine.Tests.Infrastructure;

namespace Serverless.Engine.Tests.Diagrams;

public sealed class DiagramScopeTests
{
    private static string[][] Layers(DiagramScope scope) => [.. scope.Layers.Select(l => l.Select(n => n.Id).ToArray())];

    [Fact]
    public void Of_RunAfterChains_LayerIsOnePlusTheDeepestPredecessor()
    {
        var scope = DiagramScope.Of(Wf.Parse("""
            {"name":"wf","nodes":{
              "a":{"type":"set","value":1},
              "b":{"type":"set","value":1,"runAfter":["a"]},
              "c":{"type":"set","value":1,"runAfter":["b"]},
              "d":{"type":"set","value":1,"runAfter":["a","c"]},
              "e":{"type":"set","value":1}}}
            """));

        Assert.Equal([["a", "e"], ["b"], ["c"], ["d"]], Layers(scope));
        Assert.Equal([0, 1, 2, 3, 0], new[] { "a", "b", "c", "d", "e" }.Select(id => scope.Layers.SelectMany(l => l).Single(n => n.Id == id).Layer));
    }

    [Fact]
    public void Of_CrossingEdges_OrdersEachLayerByItsPredecessorsBarycenter()
    {
        // Document order would draw y1 above x1 and cross both edges; the barycenter puts each beside its predecessor.
        var scope = DiagramScope.Of(Wf.Parse("""
            {"name":"wf","nodes":{
              "x":{"type":"set","value":1},
              "y":{"type":"set","value":1},
              "z":{"type":"set","value":1},
              "y1":{"type":"set","value":1,"runAfter":["z"]},
              "both":{"type":"set","value":1,"runAfter":["x","z"]},
              "x1":{"type":"set","value":1,"runAfter":["x"]},
              "x2":{"type":"set","value":1,"runAfter":["x"]}}}
            """));

        // Barycenters: x1 0, x2 0, both 1, y1 2; x1 and x2 tie and keep document order.
        Assert.Equal([["x", "y", "z"], ["x1", "x2", "both", "y1"]], Layers(scope));
    }

    [Fact]
    public void Of_BarycenterUsesPositionsWithinTheLayer_NotDocumentOrder()
    {
        var scope = DiagramScope.Of(Wf.Parse("""
            {"name":"wf","nodes":{
              "r1":{"type":"set","value":1},
              "r2":{"type":"set","value":1},
              "b":{"type":"set","value":1,"runAfter":["r2"]},
              "a":{"type":"set","value":1,"runAfter":["r1"]},
              "second":{"type":"set","value":1,"runAfter":["b"]},
              "first":{"type":"set","value":1,"runAfter":["a"]}}}
            """));

        Assert.Equal([["r1", "r2"], ["a", "b"], ["first", "second"]], Layers(scope));
    }

    [Fact]
    public void Of_Outcomes_LabelEdgesExceptForSucceededAlone()
    {
        var scope = DiagramScope.Of(Wf.Parse("""
            {"name":"wf","nodes":{
              "a":{"type":"set","value":1},
              "sw":{"type":"switch","cases":{"big":"${{ true }}","small":"${{ false }}"},"default":"none","runAfter":["a"]},
              "plain":{"type":"set","value":1,"runAfter":{"a":["succeeded"]}},
              "handler":{"type":"set","value":1,"runAfter":{"a":["failed","skipped"]}},
              "anyCase":{"type":"set","value":1,"runAfter":["sw"]},
              "anyCaseOrFailed":{"type":"set","value":1,"runAfter":{"sw":["failed","succeeded"]}},
              "someCases":{"type":"set","value":1,"runAfter":{"sw":["small","none"]}}}}
            """));

        var labels = scope.Edges.ToDictionary(e => (e.From, e.To), e => e.Label);
        Assert.Null(labels[("a", "sw")]);
        Assert.Null(labels[("a", "plain")]);
        Assert.Equal("failed | skipped", labels[("a", "handler")]);
        Assert.Null(labels[("sw", "anyCase")]);
        Assert.Equal("failed | succeeded", labels[("sw", "anyCaseOrFailed")]);
        Assert.Equal("small | none", labels[("sw", "someCases")]);
        Assert.Equal(7 - 1, scope.Edges.Length);
    }

    [Fact]
    public void Of_ForeachAndLoopBodies_NestRecursivelyWithScopedPaths()
    {
        var scope = DiagramScope.Of(Wf.Parse("""
            {"name":"wf","nodes":{
              "each":{"type":"foreach","items":"${{ [1] }}","body":{"nodes":{
                "again":{"type":"loop","maxIterations":2,"until":"${{ true }}","body":{"nodes":{
                  "step":{"type":"set","value":1},
                  "next":{"type":"wait","duration":"PT1S","runAfter":["step"]}}}},
                "after":{"type":"event","event":"go","runAfter":["again"]}}}},
              "done":{"type":"set","value":1,"runAfter":["each"]}}}
            """));

        var each = scope.Layers[0].Single();
        var again = each.Body!.Layers[0].Single();
        Assert.Equal(("each", "foreach", "each"), (each.Id, each.Type, each.Path));
        Assert.Equal(("again", "loop", "each.again"), (again.Id, again.Type, again.Path));
        Assert.Equal([["again"], ["after"]], Layers(each.Body));
        Assert.Equal([["step"], ["next"]], Layers(again.Body!));
        Assert.Equal("each.again.next", again.Body!.Layers[1].Single().Path);
        Assert.Equal("wait", again.Body.Layers[1].Single().Type);
        Assert.Equal("each.again", again.Body.Path);
        Assert.Null(scope.Layers[1].Single().Body);
        Assert.Equal(new DiagramEdge("step", "next", null), Assert.Single(again.Body.Edges));
    }

    [Fact]
    public void Of_EveryNodeType_IsNamedAsTheFormatSpellsIt()
    {
        var scope = DiagramScope.Of(Wf.Parse("""
            {"name":"wf","nodes":{
              "h":{"type":"http","request":{"method":"GET","url":"http://example.test"}},
              "ac":{"type":"activity","activity":"echo"},
              "s":{"type":"set","value":1},
              "sw":{"type":"switch","cases":{"a":"${{ true }}"}},
              "fe":{"type":"foreach","items":"${{ [] }}","body":{"nodes":{"i":{"type":"set","value":1}}}},
              "lp":{"type":"loop","maxIterations":1,"until":"${{ true }}","body":{"nodes":{"j":{"type":"set","value":1}}}},
              "w":{"type":"wait","duration":"PT1S"},
              "ev":{"type":"event","event":"go"},
              "wf":{"type":"workflow","workflow":"child"},
              "f":{"type":"fail","error":"Nope"}}}
            """));

        Assert.Equal(
            ["http", "activity", "set", "switch", "foreach", "loop", "wait", "event", "workflow", "fail"],
            scope.Layers[0].Select(n => n.Type));
        Assert.Equal(Syntax.NodeTypes, scope.Layers[0].Select(n => n.Type));
    }

    [Fact]
    public void Render_SameDefinition_GivesTheSameBytes()
    {
        var json = Chain(200, fanOut: 3);

        foreach (var format in new[] { DiagramFormat.Mermaid, DiagramFormat.Svg })
        {
            Assert.Equal(WorkflowDiagram.Render(Wf.Parse(json), format), WorkflowDiagram.Render(Wf.Parse(json), format));
        }
    }

    [Fact]
    public void Render_FiveHundredNodesWithWideFanIn_DrawsEveryNode()
    {
        // Speed belongs to benchmarks, not to a timed test (it failed on a loaded machine): a large, wide definition draws whole.
        var definition = Wf.Parse(Chain(500, fanOut: 20));

        var mermaid = WorkflowDiagram.Render(definition, DiagramFormat.Mermaid);
        var svg = WorkflowDiagram.Render(definition, DiagramFormat.Svg);

        Assert.Equal(500, svg.Split("<g class=\"node\"").Length - 1);
        Assert.Contains("n_n499", mermaid, StringComparison.Ordinal);
    }

    [Fact]
    public void Of_CycleInAHandBuiltDefinition_StillPlacesEveryNode()
    {
        var definition = new WorkflowDefinition("wf", null, null, NodeDefaults.None, [Set("a", "b"), Set("b", "a"), Set("c")], null);

        var scope = DiagramScope.Of(definition);

        Assert.Equal([["c"], ["a", "b"]], Layers(scope));
    }

    /// <summary>
    /// <paramref name="count"/> nodes in rows of <paramref name="fanOut"/>: each node runs after every node of the row
    /// before (so edges grow as count × fanOut).
    /// </summary>
    internal static string Chain(int count, int fanOut)
    {
        var json = new StringBuilder("""{"name":"big","nodes":{""");
        for (var i = 0; i < count; i++)
        {
            var row = i / fanOut;
            var after = row == 0 ? "" : ",\"runAfter\":[" + string.Join(",", Enumerable.Range((row - 1) * fanOut, fanOut).Select(p => $"\"n{p}\"")) + "]";
            json.Append(i == 0 ? "" : ",").Append($"\"n{i}\":{{\"type\":\"set\",\"value\":{i}{after}}}");
        }

        return json.Append("}}").ToString();
    }

    internal static SetNode Set(string id, params string[] after) => new()
    {
        Id = id,
        Pointer = "/nodes/" + id,
        Value = null!,
        RunAfter = [.. after.Select(p => new RunAfter(p, ImmutableArray.Create("succeeded")))],
    };
}
