using System.Text.Json;

namespace Serverless.Engine.Definitions;

/// <summary>The graph checks: cycles per scope, and what each expression may read.</summary>
internal sealed partial class DefinitionReader
{
    /// <summary>
    /// Finds the cycles of each scope. Kahn's algorithm leaves exactly the nodes on or after a cycle; walking
    /// predecessors from one of them must come back to a node already walked, which closes a cycle. Each node is
    /// walked once, so this is linear in the edges.
    /// </summary>
    private void FindCycles()
    {
        foreach (var scope in _scopes)
        {
            var nodes = scope.Nodes.ToList();
            var pending = nodes.ToDictionary(n => n, n => n.Predecessors.Count);
            var successors = nodes.ToDictionary(n => n, _ => new List<NodeInfo>());
            foreach (var node in nodes)
            {
                foreach (var predecessor in node.Predecessors)
                {
                    successors[predecessor].Add(node);
                }
            }

            var ready = new Queue<NodeInfo>(nodes.Where(n => pending[n] == 0));
            while (ready.Count > 0)
            {
                var node = ready.Dequeue();
                pending.Remove(node);
                foreach (var successor in successors[node])
                {
                    if (--pending[successor] == 0)
                    {
                        ready.Enqueue(successor);
                    }
                }
            }

            var order = nodes.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i);
            var walked = new HashSet<NodeInfo>();
            foreach (var start in nodes.Where(pending.ContainsKey))
            {
                var path = new List<NodeInfo>();
                var position = new Dictionary<NodeInfo, int>();
                var current = start;
                while (!walked.Contains(current))
                {
                    walked.Add(current);
                    position[current] = path.Count;
                    path.Add(current);
                    current = current.Predecessors.First(pending.ContainsKey);
                }

                if (position.TryGetValue(current, out var from))
                {
                    ReportCycle(path.GetRange(from, path.Count - from), order);
                }
            }
        }
    }

    /// <summary>Reports a cycle (walked against the edges) in run order, starting at its first node in the document.</summary>
    private void ReportCycle(List<NodeInfo> walkedBackwards, Dictionary<NodeInfo, int> documentOrder)
    {
        walkedBackwards.Reverse();
        var first = walkedBackwards.MinBy(n => documentOrder[n])!;
        var at = walkedBackwards.IndexOf(first);
        var cycle = walkedBackwards.Skip(at).Concat(walkedBackwards.Take(at)).Select(n => n.Id).Append(first.Id);
        _errors.Add(new(JsonPointer.Append(first.Pointer, "runAfter"), $"cycle in runAfter: {string.Join(" -> ", cycle)}"));
    }

    private void CheckReads()
    {
        foreach (var check in _reads.Where(c => !UnderDuplicate(c.Scope)))
        {
            foreach (var id in check.Template!.ReferencedNodes.Distinct(StringComparer.Ordinal))
            {
                if (!CanRead(check, id))
                {
                    _errors.Add(new(Locate(check.Value, check.Pointer, id), ExplainRead(check, id)));
                }
            }
        }
    }

    /// <summary>A scope inside a node whose id is taken has no reliable graph; its reads are not judged.</summary>
    private static bool UnderDuplicate(ScopeInfo scope)
    {
        for (var s = scope; s.Owner is { } owner; s = s.Parent!)
        {
            if (owner.IsDuplicate)
            {
                return true;
            }
        }

        return false;
    }

    private bool CanRead(ReadCheck check, string id)
    {
        if (check.Node is { } node)
        {
            return node.Visible.Contains(id);
        }

        return (_index.TryGetValue(id, out var target) && target.Scope == check.Scope)
            || (check.Scope.Owner?.Visible.Contains(id) ?? false);
    }

    private string ExplainRead(ReadCheck check, string id)
    {
        if (!_index.TryGetValue(id, out var target))
        {
            return $"unknown node '{id}'";
        }

        if (target == check.Node)
        {
            return check.Pointer.EndsWith("/select", StringComparison.Ordinal)
                ? $"node '{id}' cannot read its own result; 'select' sees it as 'output'"
                : $"node '{id}' cannot read its own result";
        }

        if (check.Scope.IsWithin(target.Scope))
        {
            if (target.Scope == check.Scope)
            {
                return $"node '{id}' is not visible here: it is not a runAfter ancestor of '{check.Node!.Id}'";
            }

            var inner = check.Scope;
            while (inner.Parent != target.Scope)
            {
                inner = inner.Parent!;
            }

            var owner = inner.Owner!;
            return target == owner
                ? $"node '{id}' is not visible inside its own body"
                : $"node '{id}' is not visible here: it is not a runAfter ancestor of '{owner.Id}', whose body this is";
        }

        var outer = target.Scope;
        while (outer.Parent is { } parent && !check.Scope.IsWithin(parent))
        {
            outer = parent;
        }

        return $"node '{id}' is inside the body of '{outer.Owner!.Id}' and not visible here";
    }

    /// <summary>The pointer of the string in <paramref name="value"/> that reads <paramref name="id"/>, if one can be told.</summary>
    private static string Locate(JsonElement value, string pointer, string id) => Find(value, pointer, id) ?? pointer;

    private static string? Find(JsonElement value, string pointer, string id)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                var text = value.GetString()!;
                return Syntax.IsTemplated(text) && text.Contains(id, StringComparison.Ordinal) ? pointer : null;
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    if (Find(property.Value, JsonPointer.Append(pointer, property.Name), id) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    if (Find(item, JsonPointer.Append(pointer, index++), id) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            default:
                return null;
        }
    }
}
