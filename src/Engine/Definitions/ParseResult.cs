using System.Collections.Immutable;

namespace Serverless.Engine.Definitions;

/// <summary>The result of parsing: a definition, or every problem found.</summary>
/// <param name="Definition">The definition when <see cref="Errors"/> is empty.</param>
/// <param name="Errors">Every problem, each with its JSON pointer.</param>
internal sealed record ParseResult(WorkflowDefinition? Definition, ImmutableArray<ValidationError> Errors)
{
    /// <summary>True when the definition is valid.</summary>
    public bool IsValid => Errors.IsEmpty && Definition is not null;
}
