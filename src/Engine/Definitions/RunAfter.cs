using System.Collections.Immutable;

namespace Serverless.Engine.Definitions;

/// <summary>One entry of <c>runAfter</c>: a predecessor and the outcomes accepted from it.</summary>
/// <param name="NodeId">The predecessor's id (same scope).</param>
/// <param name="Outcomes"><c>succeeded</c>, <c>failed</c>, <c>skipped</c> or, for a switch, case names.</param>
internal sealed record RunAfter(string NodeId, ImmutableArray<string> Outcomes);
