using System.Collections.Immutable;
using Serverless.Engine.Expressions;

namespace Serverless.Engine.Definitions;

/// <summary>A parsed, valid workflow definition (format v1). Produced only by <see cref="DefinitionParser"/>.</summary>
/// <param name="Name">The registry key, <c>[a-z0-9-]{1,63}</c>.</param>
/// <param name="Description">Optional free text.</param>
/// <param name="Timeout">Optional whole-instance deadline, counted from the start.</param>
/// <param name="Defaults">Defaults for http and activity nodes.</param>
/// <param name="Nodes">The top-level nodes in document order.</param>
/// <param name="Output">The document's output template; null means the default (outputs of the succeeded sinks).</param>
internal sealed record WorkflowDefinition(
    string Name,
    string? Description,
    TimeSpan? Timeout,
    NodeDefaults Defaults,
    ImmutableArray<NodeDefinition> Nodes,
    Template? Output);
