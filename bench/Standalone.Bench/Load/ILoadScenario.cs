namespace Serverless.Standalone.Bench.Load;

/// <summary>One reference load scenario of issue 15, run against its own host process.</summary>
internal interface ILoadScenario : IAsyncDisposable
{
    /// <summary>The scenario's name on the command line (<c>linear</c>, ...).</summary>
    string Name { get; }

    /// <summary>Its target, as the table shows it.</summary>
    string Target { get; }

    /// <summary>What its latencies are, for the note under the table.</summary>
    string Latency { get; }

    /// <summary>Host settings (environment variables) it needs beyond the defaults; empty for none.</summary>
    IReadOnlyDictionary<string, string> Settings { get; }

    /// <summary>Why it needs <see cref="Settings"/>, for the output.</summary>
    string SettingsReason { get; }

    /// <summary>Starts what it needs besides the host (a loopback server).</summary>
    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Runs the scenario on <paramref name="host"/>: a small unmeasured version when <paramref name="warmUp"/>. It stops
    /// <paramref name="meter"/> once its instances are final, before reading node detail for its checks.
    /// </summary>
    Task<LoadResult> RunAsync(LoadHost host, bool warmUp, LoadMeter meter, CancellationToken cancellationToken);
}
