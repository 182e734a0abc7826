namespace Serverless.Engine.Diagrams;

/// <summary>One <c>runAfter</c> entry drawn as an edge, predecessor to node.</summary>
/// <param name="From">The predecessor's id.</param>
/// <param name="To">The id of the node that runs after it.</param>
/// <param name="Label">The accepted outcomes joined with <c> | </c>; null when only <c>succeeded</c> is accepted.</param>
internal sealed record DiagramEdge(string From, string To, string? Label);
