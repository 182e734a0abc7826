namespace Serverless.Engine.Execution;

/// <summary>Runs node work: I/O is allowed here, never in the decider.</summary>
internal interface INodeExecutor
{
    /// <summary>Runs one attempt. Never throws for a failure of the work itself; returns <see cref="NodeOutcome.Failed"/>.</summary>
    Task<NodeOutcome> ExecuteAsync(NodeWork work, CancellationToken cancellationToken);
}
