using System.Text.Json;
using System.Text.Json.Serialization;

namespace Serverless.Engine.Decisions;

/// <summary>Resume a suspended instance.</summary>
public sealed record ResumeRequested(string Id, string? Reason) : WorkflowEvent(Id);
