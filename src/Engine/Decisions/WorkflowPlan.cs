using System.Collections.Frozen;
using System.Collections.Immutable;
using Serverless.Engine.Definitions;

namespace Serverless.Engine.Decisions;

/// <summary>
/// An immutable, compiled definition: every node with its scope, predecessors, successors and accepted
/// outcomes, for O(1) lookups by the decider. Compile once per (workflow, version) and share across threads.
/// </summary>
public sealed class WorkflowPlan
{
    private WorkflowPlan(WorkflowDefinition definition, int version, ScopePlan root, FrozenDictionary<string, PlanNode> nodes)
    {
        Definition = definition;
        Version = version;
        Root = root;
        Nodes = nodes;
    }

    /// <summary>The definition the plan was compiled from.</summary>
    public WorkflowDefinition Definition { get; }

    /// <summary>The workflow name.</summary>
    public string Name => Definition.Name;

    /// <summary>The registered version.</summary>
    public int Version { get; }

    /// <summary>The top-level scope.</summary>
    public ScopePlan Root { get; }

    /// <summary>Every node of the document (bodies included), by id.</summary>
    public FrozenDictionary<string, PlanNode> Nodes { get; }

    /// <summary>Compiles a valid definition.</summary>
    public static WorkflowPlan Compile(WorkflowDefinition definition, int version)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var all = new Dictionary<string, PlanNode>(StringComparer.Ordinal);
        var root = BuildScope(definition.Nodes, definition.Output, owner: null, definition.Defaults, all, ImmutableArray<string>.Empty);
        return new WorkflowPlan(definition, version, root, all.ToFrozenDictionary(StringComparer.Ordinal));
    }

    private static ScopePlan BuildScope(
        ImmutableArray<NodeDefinition> definitions,
        Expressions.Template? output,
        PlanNode? owner,
        NodeDefaults defaults,
        Dictionary<string, PlanNode> all,
        ImmutableArray<string> outerVisible)
    {
        var scope = new ScopePlan { Owner = owner, Output = output };
        var local = new Dictionary<string, PlanNode>(StringComparer.Ordinal);
        foreach (var definition in definitions)
        {
            var node = new PlanNode(definition, scope, ResolveRetry(definition, defaults), ResolveTimeout(definition, defaults));
            local[definition.Id] = node;
            all[definition.Id] = node;
        }

        var successors = local.Keys.ToDictionary(id => id, _ => new List<PlanNode>(), StringComparer.Ordinal);
        var handled = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in local.Values)
        {
            foreach (var entry in node.Definition.RunAfter)
            {
                successors[entry.NodeId].Add(node);
                if (entry.Outcomes.Contains(OutcomeNames.Failed))
                {
                    handled.Add(entry.NodeId);
                }
            }
        }

        var ordered = definitions.Select(d => local[d.Id]).ToImmutableArray();
        foreach (var node in ordered)
        {
            node.Successors = [.. successors[node.Id]];
            node.FailureHandled = handled.Contains(node.Id);
            node.Accepted = node.Definition.RunAfter.ToFrozenDictionary(
                e => e.NodeId, e => e.Outcomes.ToFrozenSet(StringComparer.Ordinal), StringComparer.Ordinal);
        }

        // Visible nodes: the runAfter ancestors within the scope, plus what the owner node itself sees.
        foreach (var node in ordered)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var stack = new Stack<string>(node.Definition.RunAfter.Select(e => e.NodeId));
            while (stack.Count > 0)
            {
                var id = stack.Pop();
                if (seen.Add(id))
                {
                    foreach (var e in local[id].Definition.RunAfter)
                    {
                        stack.Push(e.NodeId);
                    }
                }
            }

            node.Visible = [.. outerVisible, .. seen.Order(StringComparer.Ordinal)];
        }

        scope.Nodes = ordered;
        scope.Roots = [.. ordered.Where(n => n.Definition.RunAfter.IsEmpty)];
        scope.Sinks = [.. ordered.Where(n => n.Successors.IsEmpty)];

        foreach (var node in ordered)
        {
            var body = node.Definition switch
            {
                ForeachNode f => f.Body,
                LoopNode l => l.Body,
                _ => null,
            };
            if (body is not null)
            {
                node.Body = BuildScope(body.Nodes, body.Output, node, defaults, all, node.Visible);
            }
        }

        return scope;
    }

    private static ImmutableArray<RetryPolicy> ResolveRetry(NodeDefinition definition, NodeDefaults defaults) => definition switch
    {
        IRetryableNode { Retry: { } own } => own,
        HttpNode or ActivityNode => defaults.Retry,
        _ => ImmutableArray<RetryPolicy>.Empty,
    };

    private static TimeSpan? ResolveTimeout(NodeDefinition definition, NodeDefaults defaults) => definition switch
    {
        HttpNode h => h.Timeout ?? defaults.Timeout,
        ActivityNode a => a.Timeout ?? defaults.Timeout,
        _ => null,
    };
}

/// <summary>One scope: the top level, or a foreach/loop body.</summary>
public sealed class ScopePlan
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
}

/// <summary>A compiled node.</summary>
public sealed class PlanNode
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

    /// <summary>Node ids the node's expressions may read, in ordinal order.</summary>
    public ImmutableArray<string> Visible { get; internal set; }

    /// <summary>The body scope of a foreach/loop.</summary>
    public ScopePlan? Body { get; internal set; }
}

/// <summary>The outcome names <c>runAfter</c> accepts besides switch cases.</summary>
public static class OutcomeNames
{
    /// <summary>The predecessor succeeded.</summary>
    public const string Succeeded = "succeeded";
    /// <summary>The predecessor failed.</summary>
    public const string Failed = "failed";
    /// <summary>The predecessor was skipped.</summary>
    public const string Skipped = "skipped";
    /// <summary>Not accepted by any runAfter; reserved.</summary>
    public const string Cancelled = "cancelled";
}
