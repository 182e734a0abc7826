namespace Serverless.Standalone.Bench;

/// <summary>One host the scenarios run on, started on its own task hub.</summary>
internal interface IBenchTarget : IAsyncDisposable
{
    /// <summary>Warms up JIT, connection pools and caches on small versions of the scenarios; not measured.</summary>
    Task WarmUpAsync(CancellationToken cancellationToken);

    /// <summary>Runs one scenario (A-E) and measures it.</summary>
    Task<ScenarioResult> RunAsync(string scenario, CancellationToken cancellationToken);

    /// <summary>CPU used so far by the host when it runs in a process of its own; null when it runs in the bench process.</summary>
    TimeSpan? HostCpuTime();
}

/// <summary>A measured scenario: its headline figure, the figures, and the storage requests it took.</summary>
/// <param name="Figure">The headline figure in <see cref="Workloads.Unit"/> (NaN when the scenario failed).</param>
/// <param name="Result">The figures, as the detail table shows them.</param>
/// <param name="Requests">Storage requests per step.</param>
/// <param name="Detail">Where the time went, when the target can tell.</param>
internal sealed record ScenarioResult(double Figure, string Result, string Requests, string? Detail = null);
