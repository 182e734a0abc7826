using Serverless.Engine.Definitions;

namespace Serverless.Engine.Diagrams;

/// <summary>
/// A definition's diagram: <see cref="DiagramScope"/> lays out every scope, then <see cref="MermaidWriter"/> or
/// <see cref="SvgWriter"/> writes it. The same definition always gives the same text.
/// </summary>
internal static class WorkflowDiagram
{
    /// <summary>The diagram of <paramref name="definition"/> in <paramref name="format"/>.</summary>
    public static string Render(WorkflowDefinition definition, DiagramFormat format)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var layout = DiagramScope.Of(definition);
        return format switch
        {
            DiagramFormat.Mermaid => MermaidWriter.Write(layout),
            DiagramFormat.Svg => SvgWriter.Write(layout, definition.Name),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown diagram format."),
        };
    }
}
