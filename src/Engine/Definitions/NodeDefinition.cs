using System.Collections.Immutable;
using Serverless.Engine.Expressions;

namespace Serverless.Engine.Definitions;

/// <summary>Common fields of every node.</summary>
internal abstract record NodeDefinition
{
    /// <summary>The node's id; unique across the whole document (bodies included).</summary>
    public required string Id { get; init; }

    /// <summary>JSON pointer of the node in the document, e.g. <c>/nodes/fetch</c>.</summary>
    public required string Pointer { get; init; }

    /// <summary>Predecessors and their accepted outcomes; empty means "starts when its scope starts".</summary>
    public ImmutableArray<RunAfter> RunAfter { get; init; } = ImmutableArray<RunAfter>.Empty;

    /// <summary>Optional condition, evaluated when <see cref="RunAfter"/> is met; false skips the node.</summary>
    public Template? If { get; init; }

    /// <summary>Optional template over <c>output</c> whose result is what the node stores.</summary>
    public Template? Select { get; init; }
}
