using System.Collections.Frozen;
using System.Collections.Immutable;
using Serverless.Engine.Definitions;

namespace Serverless.Engine.Decisions;

/// <summary>A compiled node.</summary>
internal sealed class PlanNode
{
    internal PlanNode(NodeDefinition definition, ScopePlan scope, ImmutableArray<RetryPolicy> retry, TimeSpan? timeout)
    {
        Definition = definition;
        Scope = scope;
        Retry = retry;
        Timeout = timeout;
    }

    /// <summary>The node's id.</summary>
    public string Id => Definition.Id;

    /// <summary>The node's definition.</summary>
    public NodeDefinition Definition { get; }

    /// <summary>The scope the node is in.</summary>
    public ScopePlan Scope { get; }

    /// <summary>The effective retriers (own, else the document defaults for http and activity).</summary>
    public ImmutableArray<RetryPolicy> Retry { get; }

    /// <summary>The effective per-attempt timeout.</summary>
    public TimeSpan? Timeout { get; }

    /// <summary>Nodes that run after this one.</summary>
    public ImmutableArray<PlanNode> Successors { get; internal set; }

    /// <summary>Accepted outcomes per predecessor id.</summary>
    public FrozenDictionary<string, FrozenSet<string>> Accepted { get; internal set; } = FrozenDictionary<string, FrozenSet<string>>.Empty;

    /// <summary>True when some node of the same scope accepts <c>failed</c> from this one.</summary>
    public bool FailureHandled { get; internal set; }

    /// <summary>Node ids the node's expressions may read: the owner's, then its runAfter ancestors in ordinal order.</summary>
    public ImmutableArray<string> Visible { get; internal set; }

    /// <summary><see cref="Visible"/> as a set.</summary>
    public FrozenSet<string> VisibleSet { get; internal set; } = FrozenSet<string>.Empty;

    /// <summary>The body scope of a foreach/loop.</summary>
    public ScopePlan? Body { get; internal set; }
}
