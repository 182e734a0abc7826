using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Serverless.HttpApi;
using Serverless.Standalone.Runtime;
using Serverless.Standalone.Storage;
using Serverless.Standalone.Telemetry;

namespace Serverless.Standalone.Health;

/// <summary>
/// The <c>/healthz</c> answer: 200 <c>healthy</c>; 503 <c>starting</c> until the runtime is ready; 503
/// <c>unhealthy</c> while storage does not answer (with the problem under <c>storage.error</c>); plus what the process
/// holds and its counters.
/// </summary>
internal static class HealthResponse
{
    /// <summary>The check names registered with ASP.NET Core health checks.</summary>
    public const string Runtime = "runtime";

    /// <inheritdoc cref="Runtime"/>
    public const string Storage = "storage";

    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        var services = context.RequestServices;
        var manager = services.GetRequiredService<PartitionLeaseBalancer>();
        var metrics = services.GetRequiredService<HostMetrics>();
        var requests = services.GetRequiredService<StorageRequestCounter>();
        var ready = report.Entries.TryGetValue(Runtime, out var runtime) && runtime.Status == HealthStatus.Healthy;
        var storage = report.Entries.TryGetValue(Storage, out var entry) ? entry : default;
        var reachable = storage.Status == HealthStatus.Healthy;
        var status = !ready ? "starting" : report.Status == HealthStatus.Unhealthy ? "unhealthy" : "healthy";
        var storageJson = new JsonObject { ["status"] = reachable ? "reachable" : "unreachable" };
        if (!reachable)
        {
            storageJson["error"] = storage.Description;
            if (storage.Data.TryGetValue("since", out var since) && since is DateTimeOffset time)
            {
                storageJson["since"] = time.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
            }
        }

        return ApiResults.Json(report.Status == HealthStatus.Unhealthy ? 503 : 200, new JsonObject
        {
            ["status"] = status,
            ["hostId"] = manager.HostId,
            ["partitions"] = new JsonArray([.. services.GetRequiredService<PartitionTable>().Owned().Select(p => (JsonNode)p)]),
            ["cachedInstances"] = services.GetRequiredService<InstanceRuntime>().CachedInstances,
            ["nodeWorkInFlight"] = services.GetRequiredService<NodeWorkRunner>().TotalInFlight,
            ["storage"] = storageJson,
            ["counters"] = new JsonObject
            {
                ["eventsApplied"] = metrics.EventsApplied,
                ["nodesExecuted"] = metrics.NodesExecuted,
                ["saves"] = metrics.Saves,
                ["poisonMessages"] = metrics.PoisonMessages,
                ["storageRequests"] = requests.Total,
                ["tableRequests"] = requests.Tables,
                ["queueRequests"] = requests.Queues,
                ["blobRequests"] = requests.Blobs,
            },
        }).ExecuteAsync(context);
    }
}
