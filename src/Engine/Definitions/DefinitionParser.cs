using System.Collections.Immutable;

namespace Serverless.Engine.Definitions;

/// <summary>The result of parsing: a definition, or every problem found.</summary>
/// <param name="Definition">The definition when <see cref="Errors"/> is empty.</param>
/// <param name="Errors">Every problem, each with its JSON pointer.</param>
public sealed record ParseResult(WorkflowDefinition? Definition, ImmutableArray<ValidationError> Errors)
{
    /// <summary>True when the definition is valid.</summary>
    public bool IsValid => Errors.IsEmpty && Definition is not null;
}

/// <summary>Parses and validates workflow definitions (format v1), reporting every problem at once.</summary>
public static class DefinitionParser
{
    /// <summary>Parses <paramref name="json"/> and validates it.</summary>
    public static ParseResult Parse(string json, DefinitionLimits? limits = null) => throw new NotImplementedException();
}

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
