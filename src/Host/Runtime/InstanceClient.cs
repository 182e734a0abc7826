using System.Text.Json;
using Serverless.Engine;
using Serverless.Engine.Api;
using Serverless.Engine.Decisions;
using Serverless.Host.Storage;
using Serverless.Host.Telemetry;
using Microsoft.Extensions.Logging;

namespace Serverless.Host.Runtime;

/// <summary>What the instance routes ask of the runtime; every method answers an <see cref="ApiError"/> or succeeds.</summary>
internal sealed class InstanceClient(
    DefinitionRegistry registry,
    InstanceStore store,
    InstanceRuntime runtime,
    HostMetrics metrics,
    TimeProvider time,
    ILogger<InstanceClient> logger)
{
    /// <summary>Starts an instance, or finds the same one already started (idempotent).</summary>
    public async Task<ApiError?> StartAsync(string workflow, int? version, string instanceId, JsonElement input, CancellationToken cancellationToken)
    {
        var resolved = await registry.ResolveAsync(workflow, version, cancellationToken);
        if (resolved is null)
        {
            return version is { } v
                ? ApiError.NotFound($"Workflow '{workflow}' has no version {v}.")
                : ApiError.NotFound($"Workflow '{workflow}' is not registered.");
        }

        var state = Decider.Create(resolved, instanceId, input, time.GetUtcNow());
        var (created, record) = await runtime.CreateAsync(new InstanceRecord(state, InstanceRecord.EmptyOutbox, null, false, default, null), resolved, cancellationToken);
        if (!created)
        {
            var existing = record.State;
            var same = existing.Workflow == workflow && existing.Version == resolved.Version && record.Parent is null
                && JsonElement.DeepEquals(existing.Input, input);
            if (!same)
            {
                return ApiError.Conflict(
                    $"Instance '{instanceId}' already exists with {(existing.Workflow != workflow ? $"workflow '{existing.Workflow}'" : existing.Version != resolved.Version ? $"version {existing.Version}" : "a different input")}; purge it first or choose another id.");
            }

            if (existing.Status == InstanceStatus.Pending)
            {
                await runtime.DeliverAsync(instanceId, new InstanceStarted("start"), cancellationToken);
            }

            return null;
        }

        metrics.InstanceStarted();
        Log.InstanceCreated(logger, instanceId, workflow, resolved.Version);
        return null;
    }

    /// <summary>Reads an instance (null: unknown, including ids no instance can have).</summary>
    public Task<InstanceRecord?> GetAsync(string instanceId, CancellationToken cancellationToken)
        => IsPossibleId(instanceId) ? store.GetAsync(instanceId, cancellationToken) : Task.FromResult<InstanceRecord?>(null);

    /// <summary>
    /// False for ids no instance can have (storage keys refuse '/', '\', '#', '?' and control characters), so such
    /// requests answer 404 instead of reaching storage. Child ids are longer than client ids, hence the wider bound.
    /// </summary>
    private static bool IsPossibleId(string instanceId)
        => !string.IsNullOrEmpty(instanceId) && instanceId.Length <= 1024 && !instanceId.Any(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c));

    /// <summary>Raises an event, terminates, suspends or resumes: 404 unknown, 410 final.</summary>
    public async Task<ApiError?> SendAsync(string instanceId, WorkflowEvent @event, CancellationToken cancellationToken)
    {
        if (!IsPossibleId(instanceId))
        {
            return ApiError.NotFound($"Instance '{ApiValidation.Shorten(instanceId)}' does not exist.");
        }

        return await runtime.DeliverCheckedAsync(instanceId, @event, null, cancellationToken) switch
        {
            DeliveryResult.NotFound => ApiError.NotFound($"Instance '{instanceId}' does not exist."),
            DeliveryResult.Final => ApiError.Gone($"Instance '{instanceId}' is final; it takes no more events."),
            DeliveryResult.QueueFull => ApiError.QueueFull(
                $"Instance '{instanceId}' already holds {runtime.MaxQueuedEvents} raised events that no node has taken yet; raise this one later (Host:MaxQueuedEvents)."),
            _ => null,
        };
    }

    /// <summary>Reruns a Failed instance: 404 unknown, 409 not Failed.</summary>
    public async Task<ApiError?> RerunAsync(string instanceId, CancellationToken cancellationToken)
    {
        var record = await GetAsync(instanceId, cancellationToken);
        if (record is null)
        {
            return ApiError.NotFound($"Instance '{instanceId}' does not exist.");
        }

        if (record.State.Status != InstanceStatus.Failed)
        {
            return ApiError.Conflict($"Instance '{instanceId}' is {record.State.Status}; only a Failed instance can be rerun.");
        }

        await runtime.DeliverAsync(instanceId, new RerunRequested("rerun:" + Guid.NewGuid().ToString("N")), cancellationToken);
        return null;
    }

    /// <summary>Purges a final instance: 404 unknown, 409 not final.</summary>
    public async Task<ApiError?> PurgeAsync(string instanceId, CancellationToken cancellationToken)
    {
        var record = await GetAsync(instanceId, cancellationToken);
        if (record is null)
        {
            return ApiError.NotFound($"Instance '{instanceId}' does not exist.");
        }

        if (!StatusBuilder.IsFinal(record.State.Status))
        {
            return ApiError.Conflict($"Instance '{instanceId}' is {record.State.Status}; terminate it and wait until it is Terminated before purging.");
        }

        try
        {
            await store.DeleteAsync(record, cancellationToken);
        }
        catch (Azure.RequestFailedException ex) when (ex.Status is 404)
        {
            return ApiError.NotFound($"Instance '{instanceId}' does not exist.");
        }
        catch (Azure.RequestFailedException ex) when (ex.Status is 412)
        {
            return ApiError.Conflict($"Instance '{instanceId}' changed while it was being purged; try again.");
        }

        return null;
    }

    /// <summary>The compiled plan of an instance's pinned version (for counts), or null.</summary>
    public async Task<WorkflowPlan?> PlanOfAsync(InstanceState state, CancellationToken cancellationToken)
    {
        try
        {
            return (await registry.ResolveAsync(state.Workflow, state.Version, cancellationToken));
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
