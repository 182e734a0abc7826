using Serverless.Engine.Decisions;

namespace Serverless.Standalone.Storage;

/// <summary>One outbox entry.</summary>
internal sealed record OutboxItem(string Key, WorkflowCommand Command);
