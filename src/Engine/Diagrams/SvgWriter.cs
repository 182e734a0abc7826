using System.Globalization;
using System.Text;

namespace Serverless.Engine.Diagrams;

/// <summary>
/// Writes a laid-out definition as a self-contained SVG: the layers of each scope as columns, left to right, each node a
/// <c>&lt;g class="node" data-node-id data-path data-type&gt;</c> with a <c>&lt;title&gt;</c>, a <c>&lt;rect&gt;</c>,
/// its type and its id; a foreach/loop a rounded frame titled with its id and type around its body's own layout
/// (<c>&lt;g class="scope" data-path&gt;</c>); edges <c>&lt;path class="edge" data-from data-to&gt;</c> from the right
/// side of the predecessor to the left side of the node (an edge that skips layers runs through a slot of its own
/// below the nodes of each layer it crosses), their labels <c>&lt;text class="edge-label"&gt;</c> in the middle of the
/// last stretch. Text widths are estimated for a monospace font, so sizes depend on nothing but the definition.
/// </summary>
internal static class SvgWriter
{
    private const int Margin = 16;
    private const int NodeHeight = 44;
    private const int MinNodeWidth = 96;
    private const int NodePadding = 12;
    private const int IdCharWidth = 8;
    private const int TypeCharWidth = 6;
    private const int LabelCharWidth = 7;
    private const int RowGap = 20;
    private const int MinColumnGap = 56;
    private const int GroupPadding = 16;
    private const int GroupTitleHeight = 44;
    private const int SlotHeight = 10;

    private const string Style =
        ".workflow-diagram .node>rect{fill:#ffffff;stroke:#475569;stroke-width:1.25}" +
        ".workflow-diagram .group>rect{fill:#f1f5f9;stroke:#94a3b8;stroke-dasharray:5 3}" +
        ".workflow-diagram text{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}" +
        ".workflow-diagram .id{font-size:13px;font-weight:600;fill:#0f172a}" +
        ".workflow-diagram .type{font-size:10px;fill:#64748b}" +
        ".workflow-diagram .edge{fill:none;stroke:#64748b;stroke-width:1.25}" +
        ".workflow-diagram .edge-label{font-size:11px;fill:#334155}" +
        ".workflow-diagram .edge-label-bg{fill:#ffffff;fill-opacity:0.9}" +
        ".workflow-diagram .arrow{fill:#64748b}";

    /// <summary>The SVG document of <paramref name="root"/>, titled <paramref name="title"/>.</summary>
    public static string Write(DiagramScope root, string title)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(title);
        var box = Measure(root);
        var width = Math.Max(box.Width, 1) + (2 * Margin);
        var height = Math.Max(box.Height, 1) + (2 * Margin);
        var svg = new StringBuilder();
        svg.Append(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"workflow-diagram\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{Xml(title)}\">\n"));
        svg.Append("<title>").Append(Xml(title)).Append("</title>\n");
        svg.Append("<style>").Append(Style).Append("</style>\n");
        svg.Append("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto-start-reverse\">")
            .Append("<path class=\"arrow\" d=\"M0,0 L10,5 L0,10 z\"/></marker></defs>\n");
        Draw(svg, box, Margin, Margin);
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    /// <summary>Sizes and relative positions of a scope's nodes, bodies measured first.</summary>
    private static ScopeBox Measure(DiagramScope scope)
    {
        var sizes = new Dictionary<string, (int Width, int Height, ScopeBox? Body)>(StringComparer.Ordinal);
        foreach (var node in scope.Layers.SelectMany(l => l))
        {
            var title = Math.Max(node.Id.Length * IdCharWidth, node.Type.Length * TypeCharWidth) + (2 * NodePadding);
            if (node.Body is { } body)
            {
                var inner = Measure(body);
                sizes[node.Id] = (
                    Math.Max(Math.Max(inner.Width + (2 * GroupPadding), title), MinNodeWidth),
                    GroupTitleHeight + inner.Height + GroupPadding,
                    inner);
            }
            else
            {
                sizes[node.Id] = (Math.Max(title, MinNodeWidth), NodeHeight, null);
            }
        }

        var layerOf = scope.Layers.SelectMany(l => l).ToDictionary(n => n.Id, n => n.Layer, StringComparer.Ordinal);
        var count = scope.Layers.Length;
        var gaps = new int[count];
        foreach (var edge in scope.Edges)
        {
            // A label sits in the middle of its edge: the gap before a column fits the labels of edges from the column before.
            var to = layerOf[edge.To];
            if (edge.Label is { } label && layerOf[edge.From] == to - 1)
            {
                gaps[to] = Math.Max(gaps[to], (label.Length * LabelCharWidth) + 24);
            }
        }

        // An edge that skips layers passes through a slot of its own below the nodes of each layer it crosses, so it
        // never runs over a node (as the web console draws it). A layer's slots are ordered by the position of what
        // leads into them in the layer before, ties in the order the slots were made.
        var position = new Dictionary<object, int>();
        foreach (var layer in scope.Layers)
        {
            for (var k = 0; k < layer.Length; k++)
            {
                position[layer[k]] = k;
            }
        }

        var nodeOf = scope.Layers.SelectMany(l => l).ToDictionary(n => n.Id, StringComparer.Ordinal);
        var slotsOf = Enumerable.Range(0, count).Select(_ => new List<Slot>()).ToArray();
        var routes = new Dictionary<DiagramEdge, List<Slot>>();
        var made = 0;
        foreach (var edge in scope.Edges)
        {
            var route = new List<Slot>();
            object previous = nodeOf[edge.From];
            for (var l = layerOf[edge.From] + 1; l < layerOf[edge.To]; l++)
            {
                var slot = new Slot(l, previous, made++);
                slotsOf[l].Add(slot);
                route.Add(slot);
                previous = slot;
            }

            routes[edge] = route;
        }

        for (var l = 1; l < count; l++)
        {
            slotsOf[l] = [.. slotsOf[l].OrderBy(s => position[s.From]).ThenBy(s => s.Made)];
            for (var k = 0; k < slotsOf[l].Count; k++)
            {
                position[slotsOf[l][k]] = scope.Layers[l].Length + k;
            }
        }

        var columnWidths = scope.Layers.Select(l => l.Max(n => sizes[n.Id].Width)).ToArray();
        var columnHeights = scope.Layers.Select((l, i) => l.Sum(n => sizes[n.Id].Height) + (slotsOf[i].Count * SlotHeight)
            + ((l.Length + slotsOf[i].Count - 1) * RowGap)).ToArray();
        var height = columnHeights.DefaultIfEmpty(0).Max();
        var places = new Dictionary<string, Place>(StringComparer.Ordinal);
        var slotPlaces = new Dictionary<Slot, (int Left, int Right, int Y)>();
        var x = 0;
        for (var l = 0; l < count; l++)
        {
            if (l > 0)
            {
                x += Math.Max(MinColumnGap, gaps[l]);
            }

            var y = (height - columnHeights[l]) / 2;
            foreach (var node in scope.Layers[l])
            {
                var (w, h, body) = sizes[node.Id];
                places[node.Id] = new Place(node, x + ((columnWidths[l] - w) / 2), y, w, h, body);
                y += h + RowGap;
            }

            foreach (var slot in slotsOf[l])
            {
                slotPlaces[slot] = (x, x + columnWidths[l], y + (SlotHeight / 2));
                y += SlotHeight + RowGap;
            }

            x += columnWidths[l];
        }

        var via = routes.ToDictionary(r => r.Key, r => r.Value.Select(s => slotPlaces[s]).ToList());
        return new ScopeBox(scope, x, height, places, via);
    }

    private static void Draw(StringBuilder svg, ScopeBox box, int left, int top)
    {
        svg.Append("<g class=\"scope\" data-path=\"").Append(Xml(box.Scope.Path)).Append("\">\n");
        var labels = new List<(int X, int Y, string Text)>();
        foreach (var edge in box.Scope.Edges)
        {
            var from = box.Places[edge.From];
            var to = box.Places[edge.To];
            var (x1, y1) = (left + from.X + from.Width, top + from.Y + (from.Height / 2));
            var (x2, y2) = (left + to.X, top + to.Y + (to.Height / 2));
            var path = new StringBuilder(Invariant($"M{x1},{y1}"));
            foreach (var (slotLeft, slotRight, slotY) in box.Via[edge])
            {
                // A curve into the slot, straight through its layer.
                Curve(path, x1, y1, left + slotLeft, top + slotY);
                path.Append(Invariant($" L{left + slotRight},{top + slotY}"));
                (x1, y1) = (left + slotRight, top + slotY);
            }

            Curve(path, x1, y1, x2, y2);
            svg.Append(Invariant($"<path class=\"edge\" data-from=\"{Xml(edge.From)}\" data-to=\"{Xml(edge.To)}\" d=\"{path}\" marker-end=\"url(#arrow)\"/>\n"));
            if (edge.Label is { } label)
            {
                // The last curve is symmetric, so its middle is the middle of its ends.
                labels.Add(((x1 + x2) / 2, (y1 + y2) / 2, label));
            }
        }

        foreach (var place in box.Places.Values.OrderBy(p => p.Node.Layer).ThenBy(p => p.Y))
        {
            var node = place.Node;
            var (x, y) = (left + place.X, top + place.Y);
            svg.Append("<g class=\"").Append(place.Body is null ? "node" : "node group")
                .Append("\" data-node-id=\"").Append(Xml(node.Id))
                .Append("\" data-path=\"").Append(Xml(node.Path))
                .Append("\" data-type=\"").Append(Xml(node.Type)).Append("\">");
            svg.Append("<title>").Append(Xml($"{node.Id} ({node.Type})")).Append("</title>");
            if (place.Body is { } body)
            {
                svg.Append(Invariant($"<rect x=\"{x}\" y=\"{y}\" width=\"{place.Width}\" height=\"{place.Height}\" rx=\"12\"/>"));
                svg.Append(Invariant($"<text class=\"type\" x=\"{x + NodePadding}\" y=\"{y + 16}\">")).Append(Xml(node.Type)).Append("</text>");
                svg.Append(Invariant($"<text class=\"id\" x=\"{x + NodePadding}\" y=\"{y + 33}\">")).Append(Xml(node.Id)).Append("</text></g>\n");
                Draw(svg, body, x + ((place.Width - body.Width) / 2), y + GroupTitleHeight);
            }
            else
            {
                var middle = x + (place.Width / 2);
                svg.Append(Invariant($"<rect x=\"{x}\" y=\"{y}\" width=\"{place.Width}\" height=\"{place.Height}\" rx=\"6\"/>"));
                svg.Append(Invariant($"<text class=\"type\" x=\"{middle}\" y=\"{y + 16}\" text-anchor=\"middle\">")).Append(Xml(node.Type)).Append("</text>");
                svg.Append(Invariant($"<text class=\"id\" x=\"{middle}\" y=\"{y + 33}\" text-anchor=\"middle\">")).Append(Xml(node.Id)).Append("</text></g>\n");
            }
        }

        foreach (var (x, y, text) in labels)
        {
            var width = (text.Length * LabelCharWidth) + 8;
            svg.Append(Invariant($"<rect class=\"edge-label-bg\" x=\"{x - (width / 2)}\" y=\"{y - 8}\" width=\"{width}\" height=\"16\" rx=\"3\"/>"));
            svg.Append(Invariant($"<text class=\"edge-label\" x=\"{x}\" y=\"{y + 4}\" text-anchor=\"middle\">")).Append(Xml(text)).Append("</text>\n");
        }

        svg.Append("</g>\n");
    }

    /// <summary>
    /// Text safe in XML content and attribute values: the five markup characters as entities, and characters XML 1.0
    /// cannot hold at all (control characters other than tab and line breaks, lone surrogates, U+FFFE, U+FFFF) as U+FFFD.
    /// </summary>
    internal static string Xml(string text)
    {
        var escaped = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '&': escaped.Append("&amp;"); break;
                case '<': escaped.Append("&lt;"); break;
                case '>': escaped.Append("&gt;"); break;
                case '"': escaped.Append("&quot;"); break;
                case '\'': escaped.Append("&apos;"); break;
                case '\t' or '\n' or '\r': escaped.Append(Invariant($"&#{(int)c};")); break;
                case < ' ' or '\uFFFE' or '\uFFFF': escaped.Append('\uFFFD'); break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                    {
                        escaped.Append(c).Append(text[++i]);
                    }
                    else
                    {
                        escaped.Append(char.IsSurrogate(c) ? '\uFFFD' : c);
                    }

                    break;
            }
        }

        return escaped.ToString();
    }

    private static void Curve(StringBuilder path, int x1, int y1, int x2, int y2)
    {
        var bend = Math.Max(16, (x2 - x1) / 2);
        path.Append(Invariant($" C{x1 + bend},{y1} {x2 - bend},{y2} {x2},{y2}"));
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>A node's box, relative to its scope's origin; a foreach/loop with its measured body.</summary>
    private sealed record Place(DiagramNode Node, int X, int Y, int Width, int Height, ScopeBox? Body);

    /// <summary>A measured scope: its size, the boxes of its nodes, and the slots each edge passes through.</summary>
    private sealed record ScopeBox(
        DiagramScope Scope, int Width, int Height, Dictionary<string, Place> Places, Dictionary<DiagramEdge, List<(int Left, int Right, int Y)>> Via);

    /// <summary>An edge's place in a layer it crosses: made after <paramref name="From"/> (a node or the slot before it).</summary>
    private sealed record Slot(int Layer, object From, int Made);
}
