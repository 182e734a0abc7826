namespace Serverless.Engine.Definitions;

/// <summary>A node's <c>type</c> as the workflow format spells it (for diagrams, spans and metrics).</summary>
internal static class NodeTypeNames
{
    /// <summary>The <c>type</c> of <paramref name="node"/>: <c>http</c>, <c>activity</c>, <c>set</c>, ...</summary>
    public static string Of(NodeDefinition node) => node switch
    {
        HttpNode => "http",
        ActivityNode => "activity",
        SetNode => "set",
        SwitchNode => "switch",
        ForeachNode => "foreach",
        LoopNode => "loop",
        WaitNode => "wait",
        EventNode => "event",
        WorkflowNode => "workflow",
        FailNode => "fail",
        _ => "node",
    };
}
