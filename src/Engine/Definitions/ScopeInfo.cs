namespace Serverless.Engine.Definitions;

/// <summary>One scope while parsing: the top level, or a foreach/loop body.</summary>
internal sealed class ScopeInfo
{
    public ScopeInfo(ScopeInfo? parent, NodeInfo? owner, string pointer, int depth)
    {
        Parent = parent;
        Owner = owner;
        Pointer = pointer;
        Depth = depth;
    }

    /// <summary>The enclosing scope; null at the top.</summary>
    public ScopeInfo? Parent { get; }

    /// <summary>The foreach/loop node whose body this is; null at the top.</summary>
    public NodeInfo? Owner { get; }

    /// <summary>Pointer of the <c>nodes</c> object's owner: "" at the top, <c>/nodes/each/body</c> in a body.</summary>
    public string Pointer { get; }

    /// <summary>Body nesting depth: 0 at the top.</summary>
    public int Depth { get; }

    /// <summary>Every node entry of the scope in document order, duplicates included.</summary>
    public List<NodeInfo> Entries { get; } = [];

    /// <summary>The nodes of the scope (first occurrence of each id), in document order.</summary>
    public IEnumerable<NodeInfo> Nodes => Entries.Where(e => !e.IsDuplicate);

    /// <summary>Whether <paramref name="other"/> is this scope or encloses it.</summary>
    public bool IsWithin(ScopeInfo other)
    {
        for (var s = this; s is not null; s = s.Parent)
        {
            if (s == other)
            {
                return true;
            }
        }

        return false;
    }
}
