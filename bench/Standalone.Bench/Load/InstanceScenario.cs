using System.Text.Json.Nodes;

namespace Serverless.Standalone.Bench.Load;

/// <summary>
/// <c>linear</c> and <c>branching</c>: start every instance at once, wait for all, and take each instance's latency
/// from the host's own timestamps, <c>createdTime</c> to <c>lastUpdatedTime</c> of the Completed status.
/// </summary>
/// <param name="name">The scenario's name.</param>
/// <param name="instances">Instances of the measured run.</param>
/// <param name="nodes">Nodes per instance.</param>
/// <param name="targetMs">The p95 target in milliseconds.</param>
/// <param name="definition">The definition for a workflow name.</param>
/// <param name="expected">The output instance i must give.</param>
internal sealed class InstanceScenario(string name, int instances, int nodes, double targetMs, Func<string, string> definition, Func<int, JsonNode> expected)
    : ILoadScenario
{
    /// <inheritdoc/>
    public string Name => name;

    /// <inheritdoc/>
    public string Target => $"p95 < {targetMs:F0} ms";

    /// <inheritdoc/>
    public string Latency => "each instance's createdTime -> lastUpdatedTime of its Completed status (host clock); the line also gives start send -> ack and send -> completed (bench clock)";

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>();

    /// <inheritdoc/>
    public string SettingsReason => "none (default options)";

    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public async Task<LoadResult> RunAsync(LoadHost host, bool warmUp, LoadMeter meter, CancellationToken cancellationToken)
    {
        var workflow = $"load-{name}";
        var count = warmUp ? Math.Max(2, Math.Min(instances, 50)) : instances;
        await host.PutAsync(definition(workflow), cancellationToken);
        var started = await host.StartAllAsync(workflow, count, cancellationToken);
        var statuses = await host.WaitAllAsync([.. started.Select(s => s.Id)], cancellationToken);
        await meter.StopAsync(cancellationToken);
        var wrong = new List<string>();
        for (var i = 0; i < started.Length; i++)
        {
            var runtime = statuses[i]["runtimeStatus"]!.GetValue<string>();
            var output = statuses[i]["output"];
            if (runtime != "Completed" || !JsonNode.DeepEquals(output, expected(started[i].Input)))
            {
                wrong.Add($"{started[i].Id} {runtime} output {output?.ToJsonString() ?? "null"}");
            }
        }

        var latencies = statuses.Select(s => LoadHost.Ms(LoadHost.Time(s, "createdTime"), LoadHost.Time(s, "lastUpdatedTime"))).ToArray();
        var fromSend = started.Select((s, i) => LoadHost.Ms(s.Sent, LoadHost.Time(statuses[i], "lastUpdatedTime")));
        var acks = started.Select(s => LoadHost.Ms(s.Sent, s.Acked));
        var span = (statuses.Max(s => LoadHost.Time(s, "lastUpdatedTime")) - started.Min(s => s.Sent)).TotalSeconds;
        var p = Percentiles.Of(latencies);
        var detail = $"{count} instances x {nodes} nodes: created->completed {p}; start request send->ack {Percentiles.Of(acks)}; "
            + $"send->completed {Percentiles.Of(fromSend)}; all done {span:F2} s after the first send ({count / span:F1} instances/s, {count * nodes / span:F0} node steps/s); "
            + (wrong.Count == 0 ? "all Completed with the expected output" : $"{wrong.Count} WRONG: {string.Join("; ", wrong.Take(5))}");
        return new LoadResult(count, latencies, p.P95 < targetMs, wrong.Count == 0, count * nodes, detail);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
