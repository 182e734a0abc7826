using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Serverless.Engine.Api;
using Serverless.Engine.Decisions;
using Serverless.Engine.Telemetry;
using Serverless.HttpApi;
using Serverless.Standalone.Runtime;
using Serverless.Standalone.Storage;

namespace Serverless.Standalone.Routes;

/// <summary>The shared instance routes' durable calls on this host's own runtime, through <see cref="InstanceClient"/>.</summary>
internal sealed class StandaloneInstanceBackend(
    InstanceClient client, InstanceStore store, TaskHubStorage storage, IOptions<StandaloneHostOptions> options) : IInstanceBackend
{
    /// <summary>The connection name the status URIs carry, as the Functions host's default connection.</summary>
    public const string Connection = "Storage";

    /// <inheritdoc/>
    public Task<StartConflict?> StartAsync(WorkflowPlan workflow, string instanceId, JsonElement input, InstanceTrace trace, CancellationToken cancellationToken)
        => client.StartAsync(workflow, instanceId, input, trace, cancellationToken);

    /// <inheritdoc/>
    public async Task<NodeStateLookup> GetNodeStateAsync(string instanceId, CancellationToken cancellationToken)
        => await client.GetAsync(instanceId, cancellationToken) is { } record
            ? new NodeStateLookup(true, record.State, await client.PlanOfAsync(record.State, cancellationToken))
            : NodeStateLookup.NotFound;

    /// <inheritdoc/>
    public Task<RerunResult> RerunAsync(string instanceId, CancellationToken cancellationToken) => client.RerunAsync(instanceId, cancellationToken);

    /// <inheritdoc/>
    public CheckStatusResponse CreateCheckStatus(HttpRequest request, string instanceId)
        => CheckStatusResponse.FromRequest(request, instanceId, storage.TaskHub, Connection, options.Value.ApiKey);

    /// <inheritdoc/>
    public async Task<InstanceStatusAnswer?> GetStatusAsync(string instanceId, StatusQuery show, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(show);
        return await client.GetAsync(instanceId, cancellationToken) is { } record
            ? new InstanceStatusAnswer(await StatusOfAsync(record, show, cancellationToken), record.State.Status.IsFinal)
            : null;
    }

    /// <inheritdoc/>
    /// <remarks>Wakes when this process saves the instance; a save by another process is seen by the waiter's next read.</remarks>
    public Task WaitForChangeAsync(string instanceId, CancellationToken cancellationToken) => store.Changes.WaitAsync(instanceId, cancellationToken);

    /// <inheritdoc/>
    public async Task<InstanceStatusPage?> ListAsync(InstanceQuery query, string? continuationToken, StatusQuery show, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(show);
        if (await store.QueryAsync(query, continuationToken, cancellationToken) is not { } page)
        {
            return null;
        }

        var items = new List<JsonObject>(page.Records.Count);
        foreach (var record in page.Records)
        {
            items.Add(await StatusOfAsync(record, show, cancellationToken));
        }

        return new InstanceStatusPage(items, page.ContinuationToken);
    }

    /// <inheritdoc/>
    public Task<ApiError?> RaiseEventAsync(string instanceId, string eventName, JsonElement payload, CancellationToken cancellationToken)
        => client.SendAsync(
            instanceId,
            new EventRaised(EventIds.Raised(), eventName, payload) { Cause = System.Diagnostics.Activity.Current is { IdFormat: System.Diagnostics.ActivityIdFormat.W3C } raise ? raise.Id : null },
            cancellationToken);

    /// <inheritdoc/>
    public Task<ApiError?> TerminateAsync(string instanceId, string? reason, CancellationToken cancellationToken)
        => client.SendAsync(instanceId, new TerminateRequested(EventIds.Terminate(), reason), cancellationToken);

    /// <inheritdoc/>
    public Task<ApiError?> SuspendAsync(string instanceId, string? reason, CancellationToken cancellationToken)
        => client.SendAsync(instanceId, new SuspendRequested(EventIds.Suspend(), reason), cancellationToken);

    /// <inheritdoc/>
    public Task<ApiError?> ResumeAsync(string instanceId, string? reason, CancellationToken cancellationToken)
        => client.SendAsync(instanceId, new ResumeRequested(EventIds.Resume(), reason), cancellationToken);

    /// <inheritdoc/>
    public Task<ApiError?> PurgeAsync(string instanceId, CancellationToken cancellationToken) => client.PurgeAsync(instanceId, cancellationToken);

    private async Task<JsonObject> StatusOfAsync(InstanceRecord record, StatusQuery show, CancellationToken cancellationToken)
        => show.Build(record.State, await client.PlanOfAsync(record.State, cancellationToken));
}
