using System.Text.Json;
using System.Text.Json.Serialization;

namespace Serverless.Engine.Decisions;

/// <summary>Terminate the instance.</summary>
public sealed record TerminateRequested(string Id, string? Reason) : WorkflowEvent(Id);
