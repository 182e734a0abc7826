using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Serverless.Engine.Decisions;

namespace Serverless.HttpApi;

/// <summary>
/// The durable calls behind the shared instance routes, one implementation per host: the standalone host's runtime,
/// or a durabletask-dotnet <c>DurableTaskClient</c> on Azure Functions. The shared handlers validate the request,
/// resolve the workflow and word every answer; a backend only starts, reads and reruns instances.
/// </summary>
public interface IInstanceBackend
{
    /// <summary>
    /// Starts <paramref name="instanceId"/> running <paramref name="workflow"/> (at its resolved version) with
    /// <paramref name="input"/>, or finds the same start already made: an instance with this id, in any state until
    /// purged, that runs the same workflow and version with an equal input (idempotent).
    /// </summary>
    /// <returns>Null when the instance runs (started now or before); otherwise what the id is already taken by (409).</returns>
    Task<StartConflict?> StartAsync(WorkflowPlan workflow, string instanceId, JsonElement input, CancellationToken cancellationToken);

    /// <summary>The state the per-node detail of <paramref name="instanceId"/> is listed from.</summary>
    Task<NodeStateLookup> GetNodeStateAsync(string instanceId, CancellationToken cancellationToken);

    /// <summary>Reruns a Failed instance from its final state (the format's Rerun section).</summary>
    Task<RerunResult> RerunAsync(string instanceId, CancellationToken cancellationToken);

    /// <summary>The 202 answer of a start: the check-status payload and its <c>Location</c>, for <paramref name="request"/>.</summary>
    CheckStatusResponse CreateCheckStatus(HttpRequest request, string instanceId);
}

/// <summary>What an instance id is already taken by when a start differs from it.</summary>
/// <param name="Workflow">The existing instance's workflow; null when it cannot be read (not a workflow instance).</param>
/// <param name="Version">The existing instance's version; null when it cannot be read.</param>
public sealed record StartConflict(string? Workflow, int? Version);

/// <summary>What <see cref="IInstanceBackend.GetNodeStateAsync"/> found.</summary>
/// <param name="Found">False when the instance does not exist (404).</param>
/// <param name="State">The instance's latest recorded state; null when none is recorded yet (no nodes to list).</param>
public readonly record struct NodeStateLookup(bool Found, InstanceState? State)
{
    /// <summary>The instance does not exist.</summary>
    public static NodeStateLookup NotFound => new(false, null);
}

/// <summary>How <see cref="IInstanceBackend.RerunAsync"/> ended.</summary>
public enum RerunOutcome
{
    /// <summary>The rerun is under way (202).</summary>
    Accepted,

    /// <summary>The instance does not exist (404).</summary>
    NotFound,

    /// <summary>The instance is not Failed (409); <see cref="RerunResult.Status"/> says what it is.</summary>
    NotFailed,

    /// <summary>The instance is Failed but its final state was never recorded (409).</summary>
    NoFinalState,
}

/// <summary>The outcome of a rerun request.</summary>
/// <param name="Outcome">How it ended.</param>
/// <param name="Status">The instance's runtime status when <see cref="RerunOutcome.NotFailed"/>.</param>
public readonly record struct RerunResult(RerunOutcome Outcome, string? Status = null)
{
    /// <summary>The rerun is under way.</summary>
    public static RerunResult Accepted => new(RerunOutcome.Accepted);

    /// <summary>The instance does not exist.</summary>
    public static RerunResult NotFound => new(RerunOutcome.NotFound);

    /// <summary>The instance has no recorded final state.</summary>
    public static RerunResult NoFinalState => new(RerunOutcome.NoFinalState);

    /// <summary>The instance is <paramref name="status"/>, not Failed.</summary>
    public static RerunResult NotFailed(string status) => new(RerunOutcome.NotFailed, status);
}
