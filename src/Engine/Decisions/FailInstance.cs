using System.Text.Json;
using System.Text.Json.Serialization;
using Serverless.Engine.Expressions;

namespace Serverless.Engine.Decisions;

/// <summary>The instance failed with <see cref="Error"/>.</summary>
internal sealed record FailInstance(WorkflowError Error) : WorkflowCommand;
