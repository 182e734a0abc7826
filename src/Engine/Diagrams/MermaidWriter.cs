using System.Globalization;
using System.Text;

namespace Serverless.Engine.Diagrams;

/// <summary>
/// Writes a laid-out definition as a Mermaid flowchart: <c>flowchart LR</c>, one quoted node per definition node
/// labelled with its id and type, a <c>subgraph</c> per foreach/loop body, edges <c>--&gt;</c> with the accepted
/// outcomes as <c>|"label"|</c>. Node ids become Mermaid-safe identifiers (<c>n_</c> and the id with every character
/// other than a letter, digit or '_' replaced by '_', numbered on a clash); labels show the real text.
/// </summary>
internal static class MermaidWriter
{
    private const string Indent = "    ";

    /// <summary>The Mermaid text of <paramref name="root"/>, ending with a line break.</summary>
    public static string Write(DiagramScope root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        var taken = new HashSet<string>(StringComparer.Ordinal);
        AssignIds(root, ids, taken);

        var text = new StringBuilder("flowchart LR\n");
        WriteScope(text, root, ids, 1);
        return text.ToString();
    }

    /// <summary>Mermaid identifiers in document layout order, outer nodes before their bodies.</summary>
    private static void AssignIds(DiagramScope scope, Dictionary<string, string> ids, HashSet<string> taken)
    {
        foreach (var node in scope.Layers.SelectMany(l => l))
        {
            if (!ids.ContainsKey(node.Id))
            {
                var safe = new StringBuilder("n_", node.Id.Length + 2);
                foreach (var c in node.Id)
                {
                    safe.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
                }

                var id = safe.ToString();
                for (var n = 2; !taken.Add(id); n++)
                {
                    id = string.Create(CultureInfo.InvariantCulture, $"{safe}_{n}");
                }

                ids[node.Id] = id;
            }

            if (node.Body is { } body)
            {
                AssignIds(body, ids, taken);
            }
        }
    }

    private static void WriteScope(StringBuilder text, DiagramScope scope, Dictionary<string, string> ids, int depth)
    {
        var indent = string.Concat(Enumerable.Repeat(Indent, depth));
        foreach (var node in scope.Layers.SelectMany(l => l))
        {
            var label = $"\"{Escape(node.Id)}<br/>{Escape(node.Type)}\"";
            if (node.Body is { } body)
            {
                text.Append(indent).Append("subgraph ").Append(ids[node.Id]).Append('[').Append(label).Append("]\n");
                text.Append(indent).Append(Indent).Append("direction LR\n");
                WriteScope(text, body, ids, depth + 1);
                text.Append(indent).Append("end\n");
            }
            else
            {
                text.Append(indent).Append(ids[node.Id]).Append('[').Append(label).Append("]\n");
            }
        }

        foreach (var edge in scope.Edges)
        {
            text.Append(indent).Append(ids[edge.From]).Append(" -->");
            if (edge.Label is { } label)
            {
                text.Append("|\"").Append(Escape(label)).Append("\"|");
            }

            text.Append(' ').Append(ids[edge.To]).Append('\n');
        }
    }

    /// <summary>
    /// Text safe inside a quoted Mermaid label: the characters Mermaid or its HTML labels would read (quote, '#', '&amp;',
    /// '&lt;', '&gt;', '|', '`') as Mermaid's numeric entity codes (<c>#34;</c>), line breaks and other control
    /// characters as spaces.
    /// </summary>
    internal static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            _ = c switch
            {
                '"' or '#' or '&' or '<' or '>' or '|' or '`' => escaped.Append('#').Append(((int)c).ToString(CultureInfo.InvariantCulture)).Append(';'),
                _ when char.IsControl(c) => escaped.Append(' '),
                _ => escaped.Append(c),
            };
        }

        return escaped.ToString();
    }
}
