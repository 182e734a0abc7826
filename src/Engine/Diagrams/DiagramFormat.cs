namespace Serverless.Engine.Diagrams;

/// <summary>The formats a definition's diagram is drawn in.</summary>
internal enum DiagramFormat
{
    /// <summary>Mermaid flowchart text (<c>flowchart LR</c>).</summary>
    Mermaid,

    /// <summary>A self-contained SVG image.</summary>
    Svg,
}
