using System.Collections.Immutable;
using System.Text.Json.Serialization;
using Azure;
using Serverless.Engine.Api;
using Serverless.Engine.Decisions;

namespace Serverless.Standalone.Storage;

/// <summary>One outbox entry.</summary>
internal sealed record OutboxItem(string Key, WorkflowCommand Command);
