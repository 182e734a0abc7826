namespace Serverless.Engine.Diagrams;

/// <summary>One node placed in its scope's layers.</summary>
/// <param name="Id">The node id.</param>
/// <param name="Type">The node's <c>type</c> as the format spells it (<c>http</c>, <c>foreach</c>, ...).</param>
/// <param name="Path">
/// The owners' ids and the node's id joined with '.': <c>fetch</c> at the top, <c>each.fetch</c> in the body of
/// <c>each</c>. A runtime node path (<c>each[3].fetch</c>) names this node once its <c>[n]</c> are dropped.
/// </param>
/// <param name="Layer">Its column: 0 without <c>runAfter</c>, otherwise 1 + the highest layer of its predecessors.</param>
/// <param name="Body">The laid-out body of a foreach or loop; null for other nodes.</param>
internal sealed record DiagramNode(string Id, string Type, string Path, int Layer, DiagramScope? Body);
