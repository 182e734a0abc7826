using System.Collections.Immutable;

namespace Serverless.Engine.Definitions;

/// <summary>Chooses the first case whose condition is true; decided inline.</summary>
internal sealed record SwitchNode : NodeDefinition
{
    /// <summary>Cases in document order.</summary>
    public required ImmutableArray<SwitchCase> Cases { get; init; }
    /// <summary>The case chosen when none matches; null fails the node with NoMatchingCase.</summary>
    public string? Default { get; init; }
}
