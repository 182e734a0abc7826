namespace Serverless.Engine.Decisions;

/// <summary>Terminate a running child (instance timeout, or its node was cancelled).</summary>
internal sealed record TerminateChild(string ChildInstanceId, string Reason) : WorkflowCommand;
