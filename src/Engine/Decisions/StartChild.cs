using System.Text.Json;

namespace Serverless.Engine.Decisions;

/// <summary>Start a child instance and report <see cref="ChildCompleted"/> or <see cref="ChildFailed"/>.</summary>
/// <param name="ChildInstanceId">Derived from the parent: the node's key.</param>
/// <param name="Workflow">The child workflow's name.</param>
/// <param name="Version">The version; null means the latest (the host resolves it and reports it back).</param>
/// <param name="Input">The child's input.</param>
/// <param name="Path">The parent's node path.</param>
internal sealed record StartChild(string ChildInstanceId, string Workflow, int? Version, JsonElement Input, string Path) : WorkflowCommand;
