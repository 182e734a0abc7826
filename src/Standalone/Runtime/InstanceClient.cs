using System.Text.Json;
using Serverless.Engine.Api;
using Serverless.Engine.Decisions;
using Serverless.Engine.Telemetry;
using Serverless.Engine.Registry;
using Serverless.HttpApi;
using Serverless.Standalone.Storage;

namespace Serverless.Standalone.Runtime;

/// <summary>What the instance routes ask of the runtime; every method answers a refusal (an <see cref="ApiError"/>, a conflict) or succeeds.</summary>
internal sealed class InstanceClient(
    DefinitionRegistry registry,
    InstanceStore store,
    InstanceRuntime runtime,
    TimeProvider time,
    ILogger<InstanceClient> logger)
{
    /// <summary>
    /// Starts an instance of the resolved <paramref name="workflow"/>, or finds the same start already made
    /// (idempotent); a conflict names what the id is already taken by.
    /// </summary>
    public async Task<StartConflict?> StartAsync(WorkflowPlan workflow, string instanceId, JsonElement input, InstanceTrace trace, CancellationToken cancellationToken)
    {
        var state = Decider.Create(workflow, instanceId, input, time.GetUtcNow()) with { Trace = trace };
        var (created, record) = await runtime.CreateAsync(new InstanceRecord(state, InstanceRecord.EmptyOutbox, null, false, default, null), workflow, cancellationToken);
        if (!created)
        {
            var existing = record.State;
            var same = existing.Workflow == workflow.Name && existing.Version == workflow.Version && record.Parent is null
                && JsonElement.DeepEquals(existing.Input, input);
            if (!same)
            {
                return new StartConflict(existing.Workflow, existing.Version);
            }

            if (existing.Status == InstanceStatus.Pending)
            {
                await runtime.DeliverAsync(instanceId, new InstanceStarted(EventIds.Start), cancellationToken);
            }

            return null;
        }

        Log.InstanceCreated(logger, instanceId, workflow.Name, workflow.Version);
        return null;
    }

    /// <summary>Reads an instance (null: unknown, including ids no instance can have).</summary>
    public Task<InstanceRecord?> GetAsync(string instanceId, CancellationToken cancellationToken)
        => ApiValidation.IsPossibleInstanceId(instanceId) ? store.GetAsync(instanceId, cancellationToken) : Task.FromResult<InstanceRecord?>(null);

    /// <summary>Raises an event, terminates, suspends or resumes: 404 unknown, 410 final.</summary>
    public async Task<ApiError?> SendAsync(string instanceId, WorkflowEvent @event, CancellationToken cancellationToken)
    {
        if (!ApiValidation.IsPossibleInstanceId(instanceId))
        {
            return InstanceErrors.NotFound(instanceId);
        }

        return await runtime.DeliverCheckedAsync(instanceId, @event, null, cancellationToken) switch
        {
            DeliveryResult.NotFound => InstanceErrors.NotFound(instanceId),
            DeliveryResult.Final => InstanceErrors.Final(instanceId),
            DeliveryResult.QueueFull => ApiError.QueueFull(
                $"Instance '{instanceId}' already holds {runtime.MaxQueuedEvents} raised events that no node has taken yet; raise this one later (Host:MaxQueuedEvents)."),
            _ => null,
        };
    }

    /// <summary>Reruns a Failed instance: not found, or not Failed, or under way.</summary>
    public async Task<RerunResult> RerunAsync(string instanceId, CancellationToken cancellationToken)
    {
        var record = await GetAsync(instanceId, cancellationToken);
        if (record is null)
        {
            return RerunResult.NotFound;
        }

        if (record.State.Status != InstanceStatus.Failed)
        {
            return RerunResult.NotFailed(record.State.Status.ToString());
        }

        await runtime.DeliverAsync(instanceId, new RerunRequested(EventIds.Rerun()), cancellationToken);
        return RerunResult.Accepted;
    }

    /// <summary>Purges a final instance: 404 unknown, 409 not final.</summary>
    public async Task<ApiError?> PurgeAsync(string instanceId, CancellationToken cancellationToken)
    {
        var record = await GetAsync(instanceId, cancellationToken);
        if (record is null)
        {
            return InstanceErrors.NotFound(instanceId);
        }

        if (!record.State.Status.IsFinal)
        {
            return InstanceErrors.NotFinal(instanceId, record.State.Status.ToString());
        }

        try
        {
            await store.DeleteAsync(record, cancellationToken);
        }
        catch (Azure.RequestFailedException ex) when (ex.Status is 404)
        {
            return InstanceErrors.NotFound(instanceId);
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
