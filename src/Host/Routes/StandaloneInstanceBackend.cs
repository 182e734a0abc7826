using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Serverless.Engine.Decisions;
using Serverless.Host.Runtime;
using Serverless.Host.Storage;
using Serverless.HttpApi;

namespace Serverless.Host.Routes;

/// <summary>The shared instance routes' durable calls on this host's own runtime, through <see cref="InstanceClient"/>.</summary>
internal sealed class StandaloneInstanceBackend(InstanceClient client, TaskHubStorage storage, IOptions<ServerlessHostOptions> options) : IInstanceBackend
{
    /// <summary>The connection name the status URIs carry, as the Functions host's default connection.</summary>
    public const string Connection = "Storage";

    /// <inheritdoc/>
    public Task<StartConflict?> StartAsync(WorkflowPlan workflow, string instanceId, JsonElement input, CancellationToken cancellationToken)
        => client.StartAsync(workflow, instanceId, input, cancellationToken);

    /// <inheritdoc/>
    public async Task<NodeStateLookup> GetNodeStateAsync(string instanceId, CancellationToken cancellationToken)
        => await client.GetAsync(instanceId, cancellationToken) is { } record ? new NodeStateLookup(true, record.State) : NodeStateLookup.NotFound;

    /// <inheritdoc/>
    public Task<RerunResult> RerunAsync(string instanceId, CancellationToken cancellationToken) => client.RerunAsync(instanceId, cancellationToken);

    /// <inheritdoc/>
    public CheckStatusResponse CreateCheckStatus(HttpRequest request, string instanceId)
        => CheckStatusResponse.FromRequest(request, instanceId, storage.TaskHub, Connection, options.Value.ApiKey);
}
