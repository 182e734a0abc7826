using System.Text.Json;

namespace Serverless.Engine.Definitions;

/// <summary>One node while parsing: where it is, what it is, and its edges in its scope.</summary>
internal sealed class NodeInfo
{
    private HashSet<string>? _visible;

    public NodeInfo(string id, string pointer, JsonElement element, ScopeInfo scope)
    {
        Id = id;
        Pointer = pointer;
        Element = element;
        Scope = scope;
    }

    public string Id { get; }

    public string Pointer { get; }

    public JsonElement Element { get; }

    public ScopeInfo Scope { get; }

    /// <summary>The <c>type</c> when it is a string.</summary>
    public string? Type { get; set; }

    /// <summary>A second node with an id already used; parsed for its own errors, left out of the graph.</summary>
    public bool IsDuplicate { get; set; }

    /// <summary>For a switch: its case names and default, the outcomes it can have besides failed and skipped.</summary>
    public List<string> Cases { get; } = [];

    /// <summary>The body scope of a foreach/loop whose <c>body.nodes</c> is an object.</summary>
    public ScopeInfo? Body { get; set; }

    /// <summary>Valid predecessors in the same scope (distinct).</summary>
    public List<NodeInfo> Predecessors { get; } = [];

    public bool IsSwitch => Type == "switch";

    /// <summary>
    /// Ids this node's expressions may read: its runAfter ancestors in its scope, plus what the enclosing
    /// foreach/loop node may read.
    /// </summary>
    public HashSet<string> Visible
    {
        get
        {
            if (_visible is not null)
            {
                return _visible;
            }

            var visible = Scope.Owner is { } owner ? new HashSet<string>(owner.Visible, StringComparer.Ordinal) : new HashSet<string>(StringComparer.Ordinal);
            var seen = new HashSet<NodeInfo>();
            var stack = new Stack<NodeInfo>(Predecessors);
            while (stack.Count > 0)
            {
                var node = stack.Pop();
                if (!seen.Add(node))
                {
                    continue;
                }

                visible.Add(node.Id);
                foreach (var predecessor in node.Predecessors)
                {
                    stack.Push(predecessor);
                }
            }

            // A node in a cycle reaches itself; it still may not read itself.
            visible.Remove(Id);
            _visible = visible;
            return visible;
        }
    }
}
