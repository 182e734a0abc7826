using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Serverless.Engine.Api;
using Serverless.Engine.Decisions;
using Serverless.Engine.Telemetry;

namespace Serverless.HttpApi;

/// <summary>
/// The durable calls behind the shared instance routes, one implementation per host: the standalone host's runtime,
/// or a durabletask-dotnet <c>DurableTaskClient</c> on Azure Functions. The shared handlers validate the request,
/// resolve the workflow and word every answer but the refusals of events, terminate, suspend, resume and purge (404,
/// 409, 410, 429: <see cref="InstanceErrors"/> words the common ones); a backend starts, reads, lists, signals, purges
/// and reruns instances.
/// </summary>
internal interface IInstanceBackend
{
    /// <summary>
    /// Starts <paramref name="instanceId"/> running <paramref name="workflow"/> (at its resolved version) with
    /// <paramref name="input"/>, or finds the same start already made: an instance with this id, in any state until
    /// purged, that runs the same workflow and version with an equal input (idempotent).
    /// </summary>
    /// <param name="workflow">The resolved workflow.</param>
    /// <param name="instanceId">The instance id.</param>
    /// <param name="input">The instance input.</param>
    /// <param name="trace">The trace the new instance's spans belong to (the start request's); an existing instance keeps its own.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>Null when the instance runs (started now or before); otherwise what the id is already taken by (409).</returns>
    Task<StartConflict?> StartAsync(WorkflowPlan workflow, string instanceId, JsonElement input, InstanceTrace trace, CancellationToken cancellationToken);

    /// <summary>The state the per-node detail of <paramref name="instanceId"/> is listed from.</summary>
    Task<NodeStateLookup> GetNodeStateAsync(string instanceId, CancellationToken cancellationToken);

    /// <summary>Reruns a Failed instance from its final state (the format's Rerun section).</summary>
    Task<RerunResult> RerunAsync(string instanceId, CancellationToken cancellationToken);

    /// <summary>The 202 answer of a start: the check-status payload and its <c>Location</c>, for <paramref name="request"/>.</summary>
    CheckStatusResponse CreateCheckStatus(HttpRequest request, string instanceId);

    /// <summary>
    /// The Durable status object of <paramref name="instanceId"/> (<c>{name, instanceId, runtimeStatus, input,
    /// customStatus, output, createdTime, lastUpdatedTime}</c>) as <paramref name="show"/> asks for it; null when the
    /// instance does not exist (including ids no instance can have).
    /// </summary>
    Task<InstanceStatusAnswer?> GetStatusAsync(string instanceId, StatusQuery show, CancellationToken cancellationToken);

    /// <summary>
    /// Completes when this process next records a change of <paramref name="instanceId"/> (the standalone host: saves
    /// its state); a backend that sees no changes itself returns a task that ends only with
    /// <paramref name="cancellationToken"/>. The status long-poll (<see cref="StatusWait"/>) listens here and reads the
    /// status again at an interval besides, so a change made elsewhere is seen late but never missed.
    /// </summary>
    Task WaitForChangeAsync(string instanceId, CancellationToken cancellationToken);

    /// <summary>
    /// One page of the instances <paramref name="query"/> selects, from <paramref name="continuationToken"/> (null for
    /// the first page), each as <see cref="GetStatusAsync"/> builds it; null when the token is not one this backend
    /// issued for this query (400). Tokens are URL-safe (<see cref="ListToken"/>).
    /// </summary>
    Task<InstanceStatusPage?> ListAsync(InstanceQuery query, string? continuationToken, StatusQuery show, CancellationToken cancellationToken);

    /// <summary>Raises <paramref name="eventName"/> with <paramref name="payload"/>: null once it is durable; otherwise 404, 410 or 429.</summary>
    Task<ApiError?> RaiseEventAsync(string instanceId, string eventName, JsonElement payload, CancellationToken cancellationToken);

    /// <summary>Terminates the instance (not its children): null once the request is durable; otherwise 404 or 410.</summary>
    Task<ApiError?> TerminateAsync(string instanceId, string? reason, CancellationToken cancellationToken);

    /// <summary>Suspends the instance: null once the request is durable; otherwise 404 or 410.</summary>
    Task<ApiError?> SuspendAsync(string instanceId, string? reason, CancellationToken cancellationToken);

    /// <summary>Resumes a suspended instance: null once the request is durable; otherwise 404 or 410.</summary>
    Task<ApiError?> ResumeAsync(string instanceId, string? reason, CancellationToken cancellationToken);

    /// <summary>Deletes a final instance and everything stored for it: null when deleted; otherwise 404, or 409 while it is not final.</summary>
    Task<ApiError?> PurgeAsync(string instanceId, CancellationToken cancellationToken);
}
