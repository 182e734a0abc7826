using System.Collections.Immutable;
using Serverless.Engine.Definitions;

namespace Serverless.Engine.Diagrams;

/// <summary>
/// The nodes of one scope (the document, or a foreach/loop body) in layers, left to right, and its edges. Both diagram
/// writers draw from this, and the web console lays definitions out by the same rules:
/// <list type="bullet">
/// <item>A node's layer is 0 without <c>runAfter</c>, otherwise 1 + the highest layer of its predecessors.</item>
/// <item>Layer 0 keeps document order. Each later layer, in turn, is sorted by the barycenter of its nodes'
/// predecessors (the mean of their positions, from 0, within their own layers), ties in document order.</item>
/// <item>Each <c>runAfter</c> entry is an edge, predecessor to node, labelled with its accepted outcomes.</item>
/// </list>
/// </summary>
internal sealed class DiagramScope
{
    private DiagramScope(string path, ImmutableArray<ImmutableArray<DiagramNode>> layers, ImmutableArray<DiagramEdge> edges)
    {
        Path = path;
        Layers = layers;
        Edges = edges;
    }

    /// <summary>The owner's path: "" at the top, <c>each</c> for the body of <c>each</c>.</summary>
    public string Path { get; }

    /// <summary>The layers, left to right; each in its drawing order, top to bottom.</summary>
    public ImmutableArray<ImmutableArray<DiagramNode>> Layers { get; }

    /// <summary>The edges in document order of the nodes, and in <c>runAfter</c> order for each node.</summary>
    public ImmutableArray<DiagramEdge> Edges { get; }

    /// <summary>Lays out a whole definition, bodies included.</summary>
    public static DiagramScope Of(WorkflowDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return Of(definition.Nodes, string.Empty);
    }

    private static DiagramScope Of(ImmutableArray<NodeDefinition> nodes, string path)
    {
        var index = new Dictionary<string, int>(nodes.Length, StringComparer.Ordinal);
        for (var i = 0; i < nodes.Length; i++)
        {
            index.TryAdd(nodes[i].Id, i);
        }

        // Predecessors in this scope, as document indices, in runAfter order.
        var predecessors = new List<int>[nodes.Length];
        var successors = new List<int>[nodes.Length];
        for (var i = 0; i < nodes.Length; i++)
        {
            successors[i] = [];
        }

        var edges = ImmutableArray.CreateBuilder<DiagramEdge>();
        for (var i = 0; i < nodes.Length; i++)
        {
            predecessors[i] = [];
            foreach (var entry in nodes[i].RunAfter)
            {
                if (index.TryGetValue(entry.NodeId, out var p) && p != i && !predecessors[i].Contains(p))
                {
                    predecessors[i].Add(p);
                    successors[p].Add(i);
                    edges.Add(new DiagramEdge(entry.NodeId, nodes[i].Id, Label(entry, nodes[p])));
                }
            }
        }

        var layerOf = Layering(predecessors, successors);
        var layerCount = layerOf.Length == 0 ? 0 : layerOf.Max() + 1;
        var members = new List<int>[layerCount];
        for (var l = 0; l < layerCount; l++)
        {
            members[l] = [];
        }

        for (var i = 0; i < nodes.Length; i++)
        {
            members[layerOf[i]].Add(i);
        }

        // Every predecessor lies in an earlier layer, so one pass from left to right fixes every position: sorting
        // layer l again could not change once layers 0 to l - 1 are final.
        var position = new int[nodes.Length];
        for (var l = 0; l < layerCount; l++)
        {
            if (l > 0)
            {
                var keys = members[l].ToDictionary(i => i, i => predecessors[i].Average(p => (double)position[p]));
                members[l].Sort((a, b) => keys[a] != keys[b] ? keys[a].CompareTo(keys[b]) : a.CompareTo(b));
            }

            for (var k = 0; k < members[l].Count; k++)
            {
                position[members[l][k]] = k;
            }
        }

        var layers = ImmutableArray.CreateBuilder<ImmutableArray<DiagramNode>>(layerCount);
        for (var l = 0; l < layerCount; l++)
        {
            layers.Add([.. members[l].Select(i => Node(nodes[i], path, l))]);
        }

        return new DiagramScope(path, layers.MoveToImmutable(), edges.ToImmutable());
    }

    private static DiagramNode Node(NodeDefinition node, string scopePath, int layer)
    {
        var path = scopePath.Length == 0 ? node.Id : scopePath + "." + node.Id;
        var body = node switch
        {
            ForeachNode each => each.Body,
            LoopNode loop => loop.Body,
            _ => null,
        };
        return new DiagramNode(node.Id, NodeTypeNames.Of(node), path, layer, body is null ? null : Of(body.Nodes, path));
    }

    /// <summary>
    /// Longest-path layers in topological order (Kahn's algorithm, ready nodes in document order). A valid definition
    /// has no cycle; nodes of one (a definition built by hand) go after every other layer rather than being lost.
    /// </summary>
    private static int[] Layering(List<int>[] predecessors, List<int>[] successors)
    {
        var count = predecessors.Length;
        var layer = new int[count];
        var waiting = new int[count];
        var ready = new Queue<int>();
        for (var i = 0; i < count; i++)
        {
            waiting[i] = predecessors[i].Count;
            if (waiting[i] == 0)
            {
                ready.Enqueue(i);
            }
        }

        var placed = 0;
        while (ready.Count > 0)
        {
            var i = ready.Dequeue();
            placed++;
            foreach (var s in successors[i])
            {
                layer[s] = Math.Max(layer[s], layer[i] + 1);
                if (--waiting[s] == 0)
                {
                    ready.Enqueue(s);
                }
            }
        }

        if (placed < count)
        {
            var after = layer.Where((_, i) => waiting[i] == 0).DefaultIfEmpty(-1).Max() + 1;
            for (var i = 0; i < count; i++)
            {
                if (waiting[i] > 0)
                {
                    layer[i] = after;
                }
            }
        }

        return layer;
    }

    /// <summary>
    /// The outcomes an entry accepts joined with <c> | </c>, in the order the document names them; null for only
    /// <c>succeeded</c>, the default. For a switch, <c>succeeded</c> already means any case, so the case names the
    /// parser added for it are not repeated.
    /// </summary>
    private static string? Label(RunAfter entry, NodeDefinition predecessor)
    {
        IEnumerable<string> outcomes = entry.Outcomes;
        if (predecessor is SwitchNode choice && entry.Outcomes.Contains(Succeeded))
        {
            var cases = choice.Cases.Select(c => c.Name).Append(choice.Default).ToHashSet(StringComparer.Ordinal);
            outcomes = outcomes.Where(o => !cases.Contains(o));
        }

        var shown = outcomes.ToList();
        return shown is [Succeeded] ? null : string.Join(" | ", shown);
    }

    private const string Succeeded = "succeeded";

}
