using Microsoft.Extensions.Diagnostics.HealthChecks;
using Serverless.Standalone.Runtime;

namespace Serverless.Standalone.Health;

/// <summary>Unhealthy ("starting") until the task hub's storage exists and the first lease round ran.</summary>
internal sealed class RuntimeHealthCheck(PartitionLeaseBalancer manager) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        => Task.FromResult(manager.Ready.Task.IsCompletedSuccessfully
            ? HealthCheckResult.Healthy("The runtime runs its partitions.")
            : HealthCheckResult.Unhealthy("Starting: the task hub's storage is being set up or the first lease round has not run yet."));
}
