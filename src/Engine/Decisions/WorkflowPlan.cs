using System.Collections.Frozen;
using System.Collections.Immutable;
using Serverless.Engine.Definitions;

namespace Serverless.Engine.Decisions;

/// <summary>
/// An immutable, compiled definition: every node with its scope, predecessors, successors and accepted
/// outcomes, for O(1) lookups by the decider. Compile once per (workflow, version) and share across threads.
/// </summary>
internal sealed class WorkflowPlan
{
    private WorkflowPlan(WorkflowDefinition definition, int version, PlanOptions options, ScopePlan root, FrozenDictionary<string, PlanNode> nodes)
    {
        Definition = definition;
        Version = version;
        Options = options;
        Root = root;
        Nodes = nodes;
    }

    /// <summary>The host limits the plan was compiled with.</summary>
    public PlanOptions Options { get; }

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
    public static WorkflowPlan Compile(WorkflowDefinition definition, int version, PlanOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        options ??= PlanOptions.Default;
        options.Validate();
        var all = new Dictionary<string, PlanNode>(StringComparer.Ordinal);
        var root = BuildScope(definition.Nodes, definition.Output, owner: null, depth: 0, definition.Defaults, all, ImmutableArray<string>.Empty);
        return new WorkflowPlan(definition, version, options, root, all.ToFrozenDictionary(StringComparer.Ordinal));
    }

    private static ScopePlan BuildScope(
        ImmutableArray<NodeDefinition> definitions,
        Expressions.Template? output,
        PlanNode? owner,
        int depth,
        NodeDefaults defaults,
        Dictionary<string, PlanNode> all,
        ImmutableArray<string> outerVisible)
    {
        var scope = new ScopePlan { Owner = owner, Output = output, Depth = depth };
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
            node.VisibleSet = node.Visible.ToFrozenSet(StringComparer.Ordinal);
        }

        scope.Visible = [.. outerVisible, .. ordered.Select(n => n.Id)];
        scope.VisibleSet = scope.Visible.ToFrozenSet(StringComparer.Ordinal);

        scope.Nodes = ordered;
        scope.Roots = [.. ordered.Where(n => n.Definition.RunAfter.IsEmpty)];
        scope.Sinks = [.. ordered.Where(n => n.Successors.IsEmpty)];
        scope.TopologicalOrder = TopologicalOrder(ordered);

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
                node.Body = BuildScope(body.Nodes, body.Output, node, depth + 1, defaults, all, node.Visible);
            }
        }

        return scope;
    }

    private static ImmutableArray<PlanNode> TopologicalOrder(ImmutableArray<PlanNode> nodes)
    {
        // Kahn's algorithm, taking ready nodes in document order so the order is stable.
        var indegree = nodes.ToDictionary(n => n, n => n.Definition.RunAfter.Length);
        var result = ImmutableArray.CreateBuilder<PlanNode>(nodes.Length);
        var ready = new Queue<PlanNode>(nodes.Where(n => indegree[n] == 0));
        while (ready.Count > 0)
        {
            var node = ready.Dequeue();
            result.Add(node);
            foreach (var successor in node.Successors)
            {
                if (--indegree[successor] == 0)
                {
                    ready.Enqueue(successor);
                }
            }
        }

        if (result.Count != nodes.Length)
        {
            throw new ArgumentException("The definition has a cycle; only definitions from DefinitionParser can be compiled.");
        }

        return result.MoveToImmutable();
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
