using System.Text.Json;
using System.Text.Json.Serialization;
using Serverless.Engine.Expressions;

namespace Serverless.Engine.Decisions;

/// <summary>A timer is no longer needed; a late <see cref="TimerFired"/> is ignored anyway.</summary>
internal sealed record CancelTimer(string TimerId) : WorkflowCommand;
