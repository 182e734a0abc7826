using System.Text.Json;

namespace Serverless.Engine.Expressions;

/// <summary>A node as expressions see it: <c>nodes.&lt;id&gt;.status</c>, <c>.output</c>, <c>.error</c>.</summary>
/// <param name="Status">succeeded, failed, skipped, cancelled, running or pending.</param>
/// <param name="Output">The stored output (null when none).</param>
/// <param name="Error">The error (null unless failed).</param>
internal readonly record struct NodeView(string Status, JsonElement? Output, WorkflowError? Error);
