using System.Collections.Immutable;
using System.Globalization;
using System.Xml.Linq;
using Serverless.Engine.Definitions;
using Serverless.Engine.Diagrams;
using Serverless.Engine.Tests.Infrastructure;

namespace Serverless.Engine.Tests.Diagrams;

public sealed class SvgWriterTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private const string Nested = """
        {"name":"wf","nodes":{
          "fetch":{"type":"http","request":{"method":"GET","url":"http://example.test"}},
          "route":{"type":"switch","runAfter":["fetch"],"cases":{"big":"${{ true }}"},"default":"small"},
          "each":{"type":"foreach","items":"${{ [1] }}","runAfter":{"route":["big"]},"body":{"nodes":{
            "again":{"type":"loop","maxIterations":2,"until":"${{ true }}","body":{"nodes":{
              "step":{"type":"set","value":1},
              "next":{"type":"wait","duration":"PT1S","runAfter":["step"]}}}}}}},
          "oops":{"type":"fail","error":"Failed","runAfter":{"each":["failed","skipped"]}}}}
        """;

    private static XElement Parse(string svg) => XDocument.Parse(svg).Root!;

    private static int Int(XElement element, string attribute) => int.Parse(element.Attribute(attribute)!.Value, CultureInfo.InvariantCulture);

    [Fact]
    public void Write_AnEdgeThatSkipsLayers_RunsThroughASlotBelowTheNodesItCrosses()
    {
        const string Skip = """
            {"name":"wf","nodes":{
              "a":{"type":"set","value":1},
              "b":{"type":"set","value":1,"runAfter":["a"]},
              "c":{"type":"set","value":1,"runAfter":["b"]},
              "d":{"type":"set","value":1,"runAfter":["a","c"]}}}
            """;
        var root = Parse(WorkflowDiagram.Render(Wf.Parse(Skip), DiagramFormat.Svg));

        var rect = (string id) => root.Descendants(Svg + "g").Single(g => (string?)g.Attribute("data-node-id") == id).Element(Svg + "rect")!;
        var path = root.Descendants(Svg + "path").Single(p => (string?)p.Attribute("data-from") == "a" && (string?)p.Attribute("data-to") == "d");
        var straights = path.Attribute("d")!.Value.Split(" L").Skip(1).Select(p => p.Split(' ')[0].Split(',')).ToList();

        // One straight stretch through each of b's and c's layers, below those nodes.
        Assert.Equal(2, straights.Count);
        Assert.All(straights.Zip(new[] { "b", "c" }), pair =>
            Assert.True(int.Parse(pair.First[1], CultureInfo.InvariantCulture) > Int(rect(pair.Second), "y") + Int(rect(pair.Second), "height"), $"slot under {pair.Second}"));
        var direct = root.Descendants(Svg + "path").Single(p => (string?)p.Attribute("data-from") == "a" && (string?)p.Attribute("data-to") == "b");
        Assert.DoesNotContain(" L", direct.Attribute("d")!.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_NestedDefinition_IsWellFormedSvgWithANodeGroupPerNode()
    {
        var root = Parse(WorkflowDiagram.Render(Wf.Parse(Nested), DiagramFormat.Svg));

        Assert.Equal(Svg + "svg", root.Name);
        var nodes = root.Descendants(Svg + "g").Where(g => ((string?)g.Attribute("class"))?.Split(' ').Contains("node") == true).ToList();
        Assert.Equal(
            [("fetch", "fetch", "http"), ("route", "route", "switch"), ("each", "each", "foreach"), ("again", "each.again", "loop"),
             ("step", "each.again.step", "set"), ("next", "each.again.next", "wait"), ("oops", "oops", "fail")],
            nodes.Select(g => ((string)g.Attribute("data-node-id")!, (string)g.Attribute("data-path")!, (string)g.Attribute("data-type")!)));
        Assert.All(nodes, g =>
        {
            Assert.Equal($"{g.Attribute("data-node-id")!.Value} ({g.Attribute("data-type")!.Value})", g.Element(Svg + "title")!.Value);
            Assert.NotNull(g.Element(Svg + "rect"));
            Assert.Equal([g.Attribute("data-type")!.Value, g.Attribute("data-node-id")!.Value], g.Elements(Svg + "text").Select(t => t.Value));
        });
        Assert.Equal(["each", "again"], nodes.Where(g => g.Attribute("class")!.Value == "node group").Select(g => g.Attribute("data-node-id")!.Value));
        Assert.NotNull(root.Element(Svg + "style"));
    }

    [Fact]
    public void Write_Edges_ArePathsWithLabelsOnlyForOtherThanSucceeded()
    {
        var root = Parse(WorkflowDiagram.Render(Wf.Parse(Nested), DiagramFormat.Svg));

        var edges = root.Descendants(Svg + "path").Where(p => (string?)p.Attribute("class") == "edge").ToList();
        Assert.Equal(
            [("fetch", "route"), ("route", "each"), ("each", "oops"), ("step", "next")],
            edges.Select(e => ((string)e.Attribute("data-from")!, (string)e.Attribute("data-to")!)));
        Assert.Equal(
            ["big", "failed | skipped"],
            root.Descendants(Svg + "text").Where(t => (string?)t.Attribute("class") == "edge-label").Select(t => t.Value).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Write_Geometry_BodiesSitInsideTheirFramesAndEverythingInsideTheViewBox()
    {
        var root = Parse(WorkflowDiagram.Render(Wf.Parse(Nested), DiagramFormat.Svg));
        var (width, height) = (Int(root, "width"), Int(root, "height"));
        var boxes = root.Descendants(Svg + "g").Where(g => g.Attribute("data-node-id") is not null)
            .ToDictionary(g => g.Attribute("data-node-id")!.Value, g => g.Element(Svg + "rect")!);

        Assert.Equal($"0 0 {width} {height}", root.Attribute("viewBox")!.Value);
        Assert.All(boxes.Values, r => Assert.True(Int(r, "x") >= 0 && Int(r, "y") >= 0 && Int(r, "x") + Int(r, "width") <= width && Int(r, "y") + Int(r, "height") <= height));
        Assert.True(Inside(boxes["again"], boxes["each"]));
        Assert.True(Inside(boxes["step"], boxes["again"]));
        Assert.True(Inside(boxes["next"], boxes["again"]));
        Assert.False(Inside(boxes["oops"], boxes["each"]));
        // Left to right by layer.
        Assert.True(Int(boxes["fetch"], "x") + Int(boxes["fetch"], "width") < Int(boxes["route"], "x"));
        Assert.True(Int(boxes["route"], "x") + Int(boxes["route"], "width") < Int(boxes["each"], "x"));
        Assert.True(Int(boxes["step"], "x") + Int(boxes["step"], "width") < Int(boxes["next"], "x"));
    }

    [Fact]
    public void Write_IdsAndCaseNamesWithMarkup_AreEscapedAndReadBackExactly()
    {
        const string Odd = "x\"<&>'y";
        var choice = new SwitchNode
        {
            Id = "sw<&>",
            Pointer = "/nodes/sw",
            Cases = [new SwitchCase("say \"hi\" & <b>", null!), new SwitchCase("bell\u0007", null!)],
        };
        var next = DiagramScopeTests.Set(Odd) with { RunAfter = [new RunAfter("sw<&>", ["say \"hi\" & <b>", "bell\u0007"])] };
        var definition = new WorkflowDefinition("a&b", null, null, NodeDefaults.None, [choice, next], null);

        var svg = WorkflowDiagram.Render(definition, DiagramFormat.Svg);
        var root = Parse(svg);

        Assert.Equal("a&b", root.Element(Svg + "title")!.Value);
        Assert.Equal(["sw<&>", Odd], root.Descendants(Svg + "g").Select(g => (string?)g.Attribute("data-node-id")).OfType<string>());
        Assert.Contains(root.Descendants(Svg + "text"), t => t.Value == Odd);
        Assert.Equal("say \"hi\" & <b> | bell\uFFFD", root.Descendants(Svg + "text").Single(t => (string?)t.Attribute("class") == "edge-label").Value);
        Assert.Equal(Odd, root.Descendants(Svg + "path").Single(p => (string?)p.Attribute("class") == "edge").Attribute("data-to")!.Value);
        Assert.DoesNotContain("<b>", svg, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a<b", "a&lt;b")]
    [InlineData("\"&'", "&quot;&amp;&apos;")]
    [InlineData("nul\0", "nul\uFFFD")]
    [InlineData("line\nbreak", "line&#10;break")]
    [InlineData("pair\ud83d\ude00", "pair\ud83d\ude00")]
    public void Xml_Text_IsSafeInContentAndAttributes(string text, string expected)
    {
        Assert.Equal(expected, SvgWriter.Xml(text));
    }

    [Fact]
    public void Xml_LoneSurrogates_BecomeReplacementCharacters()
    {
        // Not in InlineData: attribute metadata cannot carry a lone surrogate.
        Assert.Equal("a\uFFFDb\uFFFD", SvgWriter.Xml("a\udc00b\ud800"));
    }

    [Fact]
    public void Write_EmptyDefinition_IsAValidEmptyImage()
    {
        var definition = new WorkflowDefinition("wf", null, null, NodeDefaults.None, ImmutableArray<NodeDefinition>.Empty, null);

        var root = Parse(WorkflowDiagram.Render(definition, DiagramFormat.Svg));

        Assert.Empty(root.Descendants(Svg + "rect"));
        Assert.True(Int(root, "width") > 0);
    }

    [Fact]
    public void Write_FiveHundredNodes_IsWellFormed()
    {
        var root = Parse(WorkflowDiagram.Render(Wf.Parse(DiagramScopeTests.Chain(500, fanOut: 7)), DiagramFormat.Svg));

        Assert.Equal(500, root.Descendants(Svg + "g").Count(g => g.Attribute("data-node-id") is not null));
    }

    private static bool Inside(XElement inner, XElement outer)
        => Int(inner, "x") > Int(outer, "x") && Int(inner, "y") > Int(outer, "y")
            && Int(inner, "x") + Int(inner, "width") < Int(outer, "x") + Int(outer, "width")
            && Int(inner, "y") + Int(inner, "height") < Int(outer, "y") + Int(outer, "height");
}
