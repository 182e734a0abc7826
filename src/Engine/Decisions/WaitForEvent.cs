namespace Serverless.Engine.Decisions;

/// <summary>A node waits for events of <see cref="Name"/>; hosts deliver every arrival as <see cref="EventRaised"/>.</summary>
internal sealed record WaitForEvent(string Name) : WorkflowCommand;
