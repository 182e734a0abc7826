using System.Text.Json;
using Serverless.Engine.Decisions;
using Serverless.Engine.Definitions;

namespace Serverless.Engine.Execution;

/// <summary>What one attempt of node work produced. Failures are values, not exceptions.</summary>
internal abstract record NodeOutcome
{
    private protected NodeOutcome() { }

    /// <summary>The attempt succeeded with <paramref name="output"/>.</summary>
    public static NodeOutcome Success(JsonElement output) => new Succeeded(output);

    /// <summary>The attempt failed with <paramref name="error"/>; <paramref name="retryAfter"/> is a floor for the next delay.</summary>
    public static NodeOutcome Failure(WorkflowError error, TimeSpan? retryAfter = null) => new Failed(error, retryAfter);

    /// <summary>A successful attempt.</summary>
    public sealed record Succeeded(JsonElement Output) : NodeOutcome;

    /// <summary>A failed attempt.</summary>
    public sealed record Failed(WorkflowError Error, TimeSpan? RetryAfter) : NodeOutcome;
}

/// <summary>One attempt of node work, as a host hands it to an executor.</summary>
/// <param name="InstanceId">The instance the work belongs to.</param>
/// <param name="Node">The node's definition (look it up in the plan by <see cref="RunNode.NodeId"/>).</param>
/// <param name="Command">The decider's command: key, path, evaluated input, timeout.</param>
internal sealed record NodeWork(string InstanceId, NodeDefinition Node, RunNode Command);

/// <summary>Runs node work: I/O is allowed here, never in the decider.</summary>
internal interface INodeExecutor
{
    /// <summary>Runs one attempt. Never throws for a failure of the work itself; returns <see cref="NodeOutcome.Failed"/>.</summary>
    Task<NodeOutcome> ExecuteAsync(NodeWork work, CancellationToken cancellationToken);
}
