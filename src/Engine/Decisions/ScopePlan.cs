using System.Collections.Frozen;
using System.Collections.Immutable;

namespace Serverless.Engine.Decisions;

/// <summary>One scope: the top level, or a foreach/loop body.</summary>
internal sealed class ScopePlan
{
    internal ScopePlan() { }

    /// <summary>The foreach/loop node owning this body; null at the top.</summary>
    public PlanNode? Owner { get; internal init; }

    /// <summary>The scope's output template (null: the default).</summary>
    public Expressions.Template? Output { get; internal init; }

    /// <summary>Nodes in document order.</summary>
    public ImmutableArray<PlanNode> Nodes { get; internal set; }

    /// <summary>Nodes without runAfter, in document order.</summary>
    public ImmutableArray<PlanNode> Roots { get; internal set; }

    /// <summary>Nodes no node runs after, in document order.</summary>
    public ImmutableArray<PlanNode> Sinks { get; internal set; }

    /// <summary>Nodes ordered so that every node comes after its predecessors.</summary>
    public ImmutableArray<PlanNode> TopologicalOrder { get; internal set; }

    /// <summary>Node ids the scope's output (and a loop's <c>until</c>) may read: the owner's and every node of the scope.</summary>
    public ImmutableArray<string> Visible { get; internal set; }

    /// <summary><see cref="Visible"/> as a set.</summary>
    public FrozenSet<string> VisibleSet { get; internal set; } = FrozenSet<string>.Empty;

    /// <summary>0 at the top, 1 in a body, 2 in a body's body, ...</summary>
    public int Depth { get; internal init; }
}
