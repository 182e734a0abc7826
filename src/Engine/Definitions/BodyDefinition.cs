using System.Collections.Immutable;
using Serverless.Engine.Expressions;

namespace Serverless.Engine.Definitions;

/// <summary>The body of a foreach or loop: its own scope of nodes.</summary>
/// <param name="Pointer">JSON pointer of the body object.</param>
/// <param name="Nodes">The body's nodes in document order.</param>
/// <param name="Output">The body output template; null means the default (outputs of the succeeded sinks).</param>
internal sealed record BodyDefinition(string Pointer, ImmutableArray<NodeDefinition> Nodes, Template? Output);
