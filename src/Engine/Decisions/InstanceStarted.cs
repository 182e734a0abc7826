using System.Text.Json;
using System.Text.Json.Serialization;

namespace Serverless.Engine.Decisions;

/// <summary>The instance starts running.</summary>
public sealed record InstanceStarted(string Id) : WorkflowEvent(Id);
