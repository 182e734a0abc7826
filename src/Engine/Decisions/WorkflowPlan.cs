using System.Collections.Frozen;
using System.Collections.Immutable;
using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Serverless.Engine.Definitions;

namespace Serverless.Engine.Decisions;

/// <summary>
/// An immutable, compiled definition: every node with its scope, predecessors, successors and accepted
/// outcomes, for O(1) lookups by the decider. Compile once per (workflow, version) and share across threads.
/// </summary>
public sealed class WorkflowPlan
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

    /// <summary>Nodes ordered so that every node comes after its predecessors.</summary>
    public ImmutableArray<PlanNode> TopologicalOrder { get; internal set; }

    /// <summary>Node ids the scope's output (and a loop's <c>until</c>) may read: the owner's and every node of the scope.</summary>
    public ImmutableArray<string> Visible { get; internal set; }

    /// <summary><see cref="Visible"/> as a set.</summary>
    public FrozenSet<string> VisibleSet { get; internal set; } = FrozenSet<string>.Empty;

    /// <summary>0 at the top, 1 in a body, 2 in a body's body, ...</summary>
    public int Depth { get; internal init; }
}

/// <summary>Limits a host applies to every instance; part of the plan so the decider stays a pure function.</summary>
public sealed record PlanOptions
{
    /// <summary>Largest stored value (node output, event payload, instance output) in UTF-8 bytes. At least 1,024.</summary>
    /// <value>Defaults to 256 KiB.</value>
    [Range(1024, int.MaxValue)]
    public int MaxValueBytes { get; init; } = 256 * 1024;

    /// <summary>What <c>maxConcurrency: 0</c> means: the host's maximum. At least 100.</summary>
    /// <value>Defaults to 100.</value>
    [Range(100, int.MaxValue)]
    public int HostMaxConcurrency { get; init; } = 100;

    /// <summary>Raised events queued per instance before more are refused. At least 1.</summary>
    /// <value>Defaults to 1,000.</value>
    [Range(1, int.MaxValue)]
    public int MaxQueuedEvents { get; init; } = 1000;

    /// <summary>Most items a foreach accepts. At least 1.</summary>
    /// <value>Defaults to 10,000 (the format's limit).</value>
    [Range(1, int.MaxValue)]
    public int MaxForeachItems { get; init; } = 10_000;

    /// <summary>The defaults.</summary>
    public static PlanOptions Default { get; } = new();

    /// <summary>Throws <see cref="InvalidOperationException"/> naming every value out of range (the rules of <see cref="PlanOptionsValidator"/>).</summary>
    public void Validate() => new PlanOptionsValidator().ThrowIfInvalid(this);
}

/// <summary>The source-generated DataAnnotations validator of <see cref="PlanOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class PlanOptionsValidator : IValidateOptions<PlanOptions>;

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

    /// <summary>Node ids the node's expressions may read: the owner's, then its runAfter ancestors in ordinal order.</summary>
    public ImmutableArray<string> Visible { get; internal set; }

    /// <summary><see cref="Visible"/> as a set.</summary>
    public FrozenSet<string> VisibleSet { get; internal set; } = FrozenSet<string>.Empty;

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
