namespace Serverless.Engine.Definitions;

/// <summary>Limits a definition must respect.</summary>
public sealed record DefinitionLimits
{
    /// <summary>Most nodes in a document, bodies included. <value>Default 500.</value></summary>
    public int MaxNodes { get; init; } = 500;

    /// <summary>Deepest nesting of foreach/loop bodies. <value>Default 5.</value></summary>
    public int MaxDepth { get; init; } = 5;

    /// <summary>Largest document in bytes (UTF-8). <value>Default 1 MiB.</value></summary>
    public int MaxDocumentBytes { get; init; } = 1024 * 1024;

    /// <summary>The default limits.</summary>
    public static DefinitionLimits Default { get; } = new();
}
