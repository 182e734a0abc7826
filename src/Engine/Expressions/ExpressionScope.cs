using System.Collections.Immutable;
using System.Text.Json;

namespace Serverless.Engine.Expressions;

/// <summary>What an expression can see. Built by the decider per evaluation.</summary>
internal sealed class ExpressionScope
{
    /// <summary>The instance input.</summary>
    public required JsonElement Input { get; init; }

    /// <summary>The <c>instance</c> object.</summary>
    public required InstanceInfo Instance { get; init; }

    /// <summary>The replay-safe current time the expression sees (<c>Date.now()</c>, <c>new Date()</c>).</summary>
    public required DateTimeOffset Now { get; init; }

    /// <summary>The nodes visible to the expression, by id.</summary>
    public IReadOnlyDictionary<string, NodeView> Nodes { get; init; } = ImmutableDictionary<string, NodeView>.Empty;

    /// <summary><c>item</c> in a foreach body.</summary>
    public JsonElement? Item { get; init; }

    /// <summary><c>index</c> in a foreach body.</summary>
    public int? Index { get; init; }

    /// <summary><c>iteration</c> in a loop body and its <c>until</c> (from 1).</summary>
    public int? Iteration { get; init; }

    /// <summary><c>previous</c> in a loop body: the previous iteration's output (JSON null at first).</summary>
    public JsonElement? Previous { get; init; }

    /// <summary><c>output</c> for <c>select</c>, <c>until</c> and body outputs.</summary>
    public JsonElement? Output { get; init; }
}
