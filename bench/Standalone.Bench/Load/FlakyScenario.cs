using System.Text.Json.Nodes;

namespace Serverless.Standalone.Bench.Load;

/// <summary>
/// <c>flaky</c>: instances of a chain of <c>http</c> nodes to <see cref="FlakyServer"/>, which fails 30% of the calls
/// with 503; each node retries 5xx (up to <see cref="MaxAttempts"/> attempts, 20 ms growing by 1.5 up to 200 ms, full
/// jitter). The target is the share of instances that complete; latencies are created->completed. The attempts in node
/// detail must equal the distinct idempotency keys (instance, node, attempt) the server saw; a key seen twice (an attempt
/// delivered twice) is reported.
/// </summary>
/// <param name="instances">Instances of the measured run.</param>
internal sealed class FlakyScenario(int instances) : ILoadScenario
{
    private const int Nodes = 5;
    private const int MaxAttempts = 10;
    private const double FailureRate = 0.3;
    private const double Required = 0.999;
    private FlakyServer? _server;

    /// <inheritdoc/>
    public string Name => "flaky";

    /// <inheritdoc/>
    public string Target => ">= 99.9% completed";

    /// <inheritdoc/>
    public string Latency => "each instance's createdTime -> lastUpdatedTime (host clock); the target is the share completed";

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Executors__Http__Network__AllowLoopback"] = "true",
        ["Executors__Http__CircuitBreaker__Enabled"] = "false",
    };

    /// <inheritdoc/>
    public string SettingsReason =>
        "AllowLoopback: the http nodes call the bench's server on 127.0.0.1, which the network guard refuses by default; "
        + "CircuitBreaker off: all calls go to one downstream host, and at a 30% failure rate the per-host breaker (opens at 50% of >= 10 calls in 30 s) "
        + "can open by chance on the first calls and then fail attempts with CircuitOpen for 30 s; the scenario is about retries, not the breaker";

    /// <inheritdoc/>
    public async Task StartAsync(CancellationToken cancellationToken) => _server = await FlakyServer.StartAsync(FailureRate, seed: 15, cancellationToken);

    /// <inheritdoc/>
    public async Task<LoadResult> RunAsync(LoadHost host, bool warmUp, LoadMeter meter, CancellationToken cancellationToken)
    {
        var server = _server ?? throw new InvalidOperationException("The flaky server was not started.");
        var retry = new JsonObject
        {
            ["errors"] = new JsonArray("HttpError:5xx"),
            ["maxAttempts"] = MaxAttempts,
            ["interval"] = "PT0.02S",
            ["backoff"] = 1.5,
            ["maxInterval"] = "PT0.2S",
            ["jitter"] = "full",
        };
        await host.PutAsync(LoadWorkflows.Flaky("load-flaky", Nodes, server.Url, retry, FlakyServer.KeyHeader), cancellationToken);
        var count = warmUp ? Math.Max(2, Math.Min(instances, 50)) : instances;
        var before = server.Counts;
        server.ResetKeys();
        var started = await host.StartAllAsync("load-flaky", count, cancellationToken);
        var statuses = await host.WaitAllAsync([.. started.Select(s => s.Id)], cancellationToken);
        await meter.StopAsync(cancellationToken);
        var after = server.Counts;

        var completed = 0;
        var wrong = new List<string>();
        long attempts = 0;
        var maxAttempts = 0;
        var gaps = new List<double>();
        for (var i = 0; i < started.Length; i++)
        {
            var runtime = statuses[i]["runtimeStatus"]!.GetValue<string>();
            if (runtime == "Completed" && statuses[i]["output"]?.ToJsonString() == "200")
            {
                completed++;
            }
            else
            {
                wrong.Add($"{started[i].Id} {runtime} output {statuses[i]["output"]?.ToJsonString() ?? "null"}");
            }

            foreach (var node in await host.NodesAsync(started[i].Id, cancellationToken))
            {
                var a = node["attempts"]?.GetValue<int>() ?? 0;
                attempts += a;
                maxAttempts = Math.Max(maxAttempts, a);
                if (node["attemptLog"] is JsonArray log)
                {
                    // From an attempt's end to the next one's start: the drawn retry delay (at most 200 ms) plus the engine's lag.
                    var ordered = log.Select(l => l!.AsObject()).OrderBy(l => l["attempt"]!.GetValue<int>()).ToArray();
                    gaps.AddRange(ordered.Zip(ordered.Skip(1), (x, y) => LoadHost.Ms(LoadHost.Time(x, "endedAt"), LoadHost.Time(y, "startedAt"))));
                }
            }
        }

        var calls = after.Calls - before.Calls;
        var keys = server.Keys.Count;
        var repeated = server.Keys.Where(k => k.Value > 1).ToArray();
        var failures = after.Failures - before.Failures;
        var ratio = (double)completed / count;
        var latencies = statuses.Select(s => LoadHost.Ms(LoadHost.Time(s, "createdTime"), LoadHost.Time(s, "lastUpdatedTime"))).ToArray();

        // A node fails only if all its attempts draw a 503: p = 0.3^10; an instance fails if any of its nodes does.
        var nodeExhausted = Math.Pow(FailureRate, MaxAttempts);
        var instanceFails = 1 - Math.Pow(1 - nodeExhausted, Nodes);
        var detail = $"{count} instances x {Nodes} http nodes: {completed} completed ({ratio:P2}); created->completed {Percentiles.Of(latencies)}; "
            + $"server: {calls} calls, {failures} answered 503 ({(double)failures / Math.Max(calls, 1):P1}); node detail: {attempts} attempts in all, at most {maxAttempts} for one node"
            + $"; between a failed attempt's end and the retry's start (drawn delay <= 200 ms + engine lag): {Percentiles.Of(gaps)}"
            + (keys == attempts ? " (= distinct idempotency keys the server saw)" : $" (MISMATCH: the server saw {keys} distinct idempotency keys)")
            + (repeated.Length == 0 ? "; no attempt reached the server twice"
                : $"; {repeated.Length} attempts reached the server more than once (same idempotency key; at-least-once delivery, which the key is for), e.g. {string.Join(", ", repeated.Take(3).Select(k => $"{k.Key} x{k.Value}"))}")
            + $"; dice: a node exhausts its {MaxAttempts} attempts with p = 0.3^{MaxAttempts} = {nodeExhausted:E1}, an instance fails with p = {instanceFails:E1}, "
            + $"expected failed instances {instanceFails * count:F3}, so a shortfall below 99.9% is the engine's, not the dice's"
            + (wrong.Count == 0 ? "" : $"; not completed: {string.Join("; ", wrong.Take(5))}");
        return new LoadResult(count, latencies, ratio >= Required, ratio >= Required && keys == attempts, count * Nodes, detail);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
