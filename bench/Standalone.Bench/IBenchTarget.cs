namespace Serverless.Standalone.Bench;

/// <summary>One host the scenarios run on, started on its own storage.</summary>
internal interface IBenchTarget : IAsyncDisposable
{
    /// <summary>Warms up JIT, connection pools and caches on small versions of the scenarios; not measured.</summary>
    /// <param name="cold">Skip the raise-event warm-up, so D measures a host that never raised an event.</param>
    /// <param name="cancellationToken">Bounds the warm-up.</param>
    Task WarmUpAsync(bool cold, CancellationToken cancellationToken);

    /// <summary>Runs one scenario (A-E) and measures it.</summary>
    Task<ScenarioResult> RunAsync(string scenario, CancellationToken cancellationToken);
}

/// <summary>A measured scenario: the figures, and the storage requests it took.</summary>
/// <param name="Result">The figures, as the table shows them.</param>
/// <param name="Requests">Storage requests per step.</param>
/// <param name="Detail">Where the time went, when the target can tell.</param>
internal sealed record ScenarioResult(string Result, string Requests, string? Detail = null);
