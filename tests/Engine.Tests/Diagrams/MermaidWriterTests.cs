using System.Collections.Immutable;
using Serverless.Engine.Definitions;
using Serverless.Engine.Diagrams;
using Serverless.Engine.Tests.Infrastructure;

namespace Serverless.Engine.Tests.Diagrams;

public sealed class MermaidWriterTests
{
    [Fact]
    public void Write_FanOutWithHandlerAndForeach_IsTheExpectedFlowchart()
    {
        var text = WorkflowDiagram.Render(Wf.Parse("""
            {"name":"wf","nodes":{
              "fetch":{"type":"http","request":{"method":"GET","url":"http://example.test"}},
              "each":{"type":"foreach","items":"${{ [1] }}","runAfter":["fetch"],"body":{"nodes":{
                "one":{"type":"activity","activity":"echo"},
                "two":{"type":"set","value":1,"runAfter":["one"]}}}},
              "oops":{"type":"fail","error":"Failed","runAfter":{"fetch":["failed"]}}}}
            """), DiagramFormat.Mermaid);

        Assert.Equal(
            """
            flowchart LR
                n_fetch["fetch<br/>http"]
                subgraph n_each["each<br/>foreach"]
                    direction LR
                    n_one["one<br/>activity"]
                    n_two["two<br/>set"]
                    n_one --> n_two
                end
                n_oops["oops<br/>fail"]
                n_fetch --> n_each
                n_fetch -->|"failed"| n_oops

            """.ReplaceLineEndings("\n"),
            text);
    }

    [Fact]
    public void Write_IdsThatMermaidCannotTake_AreMappedToSafeDistinctIdentifiers()
    {
        // end is a Mermaid keyword; a-b and a_b sanitise alike; an id of a hand-built definition may hold anything.
        var definition = new WorkflowDefinition("wf", null, null, NodeDefaults.None,
            [DiagramScopeTests.Set("end"), DiagramScopeTests.Set("a-b", "end"), DiagramScopeTests.Set("a_b", "a-b"), DiagramScopeTests.Set("x\"<&>|#y", "a_b")], null);

        var text = WorkflowDiagram.Render(definition, DiagramFormat.Mermaid);

        Assert.Contains("    n_end[\"end<br/>set\"]\n", text, StringComparison.Ordinal);
        Assert.Contains("    n_a_b[\"a-b<br/>set\"]\n", text, StringComparison.Ordinal);
        Assert.Contains("    n_a_b_2[\"a_b<br/>set\"]\n", text, StringComparison.Ordinal);
        Assert.Contains("    n_x______y[\"x#34;#60;#38;#62;#124;#35;y<br/>set\"]\n", text, StringComparison.Ordinal);
        Assert.Contains("    n_end --> n_a_b\n", text, StringComparison.Ordinal);
        Assert.Contains("    n_a_b --> n_a_b_2\n", text, StringComparison.Ordinal);
        Assert.Contains("    n_a_b_2 --> n_x______y\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_CaseNamesWithQuotesAndMarkup_AreEscapedInEdgeLabels()
    {
        var text = WorkflowDiagram.Render(Wf.Parse("""
            {"name":"wf","nodes":{
              "sw":{"type":"switch","cases":{"say \"hi\"":"${{ true }}","a<b && c|d":"${{ false }}","line\nbreak":"${{ false }}"}},
              "next":{"type":"set","value":1,"runAfter":{"sw":["say \"hi\"","a<b && c|d","line\nbreak"]}}}}
            """), DiagramFormat.Mermaid);

        Assert.Contains(
            "    n_sw -->|\"say #34;hi#34; #124; a#60;b #38;#38; c#124;d #124; line break\"| n_next\n",
            text,
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("#35;", "#35;35;")]
    [InlineData("`tick`", "#96;tick#96;")]
    [InlineData("tab\there", "tab here")]
    public void Escape_Text_BecomesMermaidEntityCodes(string text, string expected)
    {
        Assert.Equal(expected, MermaidWriter.Escape(text));
    }

    [Fact]
    public void Write_EmptyDefinition_IsJustTheHeader()
    {
        var definition = new WorkflowDefinition("wf", null, null, NodeDefaults.None, ImmutableArray<NodeDefinition>.Empty, null);

        Assert.Equal("flowchart LR\n", WorkflowDiagram.Render(definition, DiagramFormat.Mermaid));
    }

    [Fact]
    public void Write_OrderFulfilmentSample_IsTheDiagramShownInWorkflowFormatMd()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Serverless.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("Serverless.sln not found above the test output.");
        }

        var docs = File.ReadAllText(Path.Combine(root, "docs", "workflow-format.md")).ReplaceLineEndings("\n");
        var start = docs.IndexOf("```mermaid\n", StringComparison.Ordinal) + "```mermaid\n".Length;
        var shown = docs[start..docs.IndexOf("```", start, StringComparison.Ordinal)];
        var sample = Wf.Parse(File.ReadAllText(Path.Combine(root, "samples", "order-fulfilment.json")));

        Assert.Equal(WorkflowDiagram.Render(sample, DiagramFormat.Mermaid), shown);
    }
}
