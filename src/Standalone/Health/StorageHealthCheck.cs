using Microsoft.Extensions.Diagnostics.HealthChecks;
using Serverless.Standalone.Storage;

namespace Serverless.Standalone.Health;

/// <summary>
/// Unhealthy while Azure Storage does not answer the host's requests (<see cref="StorageAvailability"/>). The host talks
/// to storage all the time (polls, lease renewals); when it has been quiet for a few seconds the check asks storage
/// itself, so <c>/healthz</c> never reports an old answer.
/// </summary>
internal sealed class StorageHealthCheck(StorageAvailability availability, TaskHubStorage storage) : IHealthCheck
{
    /// <summary>After this long without any storage request the check sends one of its own.</summary>
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(5);

    /// <summary>How long the check's own request may take.</summary>
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (availability.SinceLastAttempt is not { } since || since > Quiet)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ProbeTimeout);
            try
            {
                // The answer (or the failure) is recorded by the availability policy on the client.
                await storage.Leases.ExistsAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return HealthCheckResult.Unhealthy($"Azure Storage did not answer within {ProbeTimeout.TotalSeconds:F0} s.");
            }
            catch (Exception ex) when (ex is Azure.RequestFailedException || StorageErrors.IsUnavailable(ex))
            {
                // Reported below.
            }
        }

        return availability.Problem is { } problem
            ? HealthCheckResult.Unhealthy(problem.ToString(), data: new Dictionary<string, object>
            {
                ["service"] = problem.Service,
                ["endpoint"] = problem.Endpoint,
                ["reason"] = problem.Reason,
                ["since"] = problem.Since,
            })
            : HealthCheckResult.Healthy("Azure Storage answers.");
    }
}
