using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Serverless.Standalone.Bench.Load;

/// <summary>
/// <c>events</c>: instances of a chain of <see cref="Nodes"/> <c>event</c> nodes on <c>tick</c>; once each waits at its
/// first node, events are raised open-loop at a fixed rate (send times scheduled, not waiting for answers, at most
/// <see cref="MaxInFlight"/> in flight), round-robin over the instances, event k of an instance carrying k. The latency
/// of an event is the <c>completedAt</c> (host) of the node that consumed its payload minus the raise's send time (bench
/// clock, same machine). Checks: every payload consumed exactly once, and FIFO between raises to one instance that did
/// not overlap (the second sent after the first was answered); overlapping raises have no defined order.
/// </summary>
/// <param name="instances">Instances of the measured run.</param>
/// <param name="rate">Events per second of the measured run.</param>
internal sealed class EventsScenario(int instances, double rate) : ILoadScenario
{
    private const int Nodes = 50;
    private const int WarmUpNodes = 10;
    private const int MaxInFlight = 256;
    private const double TargetMs = 100;

    /// <inheritdoc/>
    public string Name => "events";

    /// <inheritdoc/>
    public string Target => $"p95 < {TargetMs:F0} ms at {rate:F0}/s";

    /// <inheritdoc/>
    public string Latency => "each raise's send (bench clock) -> completedAt of the event node that consumed its payload (host clock)";

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>();

    /// <inheritdoc/>
    public string SettingsReason => "none (default options)";

    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public async Task<LoadResult> RunAsync(LoadHost host, bool warmUp, LoadMeter meter, CancellationToken cancellationToken)
    {
        var nodes = warmUp ? WarmUpNodes : Nodes;
        var count = warmUp ? Math.Max(2, Math.Min(instances, 10)) : instances;
        var perSecond = warmUp ? Math.Min(rate, 100) : rate;
        var workflow = $"load-events-{nodes}";
        await host.PutAsync(LoadWorkflows.Events(workflow, nodes), cancellationToken);
        var started = await host.StartAllAsync(workflow, count, cancellationToken);
        foreach (var instance in started)
        {
            await WaitUntilWaitingAsync(host, instance.Id, cancellationToken);
        }

        var total = count * nodes;
        var sends = new (DateTimeOffset Sent, DateTimeOffset Acked, int Status)[total];
        var inFlight = new SemaphoreSlim(MaxInFlight);
        var requests = new List<Task>(total);
        var clock = Stopwatch.StartNew();
        var maxLag = TimeSpan.Zero;
        for (var j = 0; j < total; j++)
        {
            var due = TimeSpan.FromSeconds(j / perSecond);
            var early = due - clock.Elapsed;
            if (early > TimeSpan.FromMilliseconds(1))
            {
                // Open loop: the schedule sets the send time, not the previous answer.
                await Task.Delay(early, cancellationToken);
            }

            await inFlight.WaitAsync(cancellationToken);
            var lag = clock.Elapsed - due;
            maxLag = lag > maxLag ? lag : maxLag;
            var index = j;
            requests.Add(RaiseAsync(index));
        }

        await Task.WhenAll(requests);
        var sendSeconds = (sends[^1].Sent - sends[0].Sent).TotalSeconds;
        var bad = sends.Count(s => s.Status != 202);
        if (bad > 0)
        {
            throw new InvalidOperationException($"{bad} of {total} raises were not answered 202: {string.Join(", ", sends.Select(s => s.Status).Where(s => s != 202).Distinct())}");
        }

        var statuses = await host.WaitAllAsync([.. started.Select(s => s.Id)], cancellationToken);

        await meter.StopAsync(cancellationToken);
        var wrong = new List<string>();
        var latencies = new List<double>(total);
        var reordered = 0;
        for (var i = 0; i < count; i++)
        {
            var runtime = statuses[i]["runtimeStatus"]!.GetValue<string>();
            if (runtime != "Completed")
            {
                wrong.Add($"{started[i].Id} {runtime}");
                continue;
            }

            // Where each payload k (raise k of this instance) was consumed: node e{position}.
            var details = (await host.NodesAsync(started[i].Id, cancellationToken)).ToDictionary(n => n["path"]!.GetValue<string>());
            var position = new int[nodes];
            Array.Fill(position, -1);
            var consumedAt = new DateTimeOffset[nodes];
            for (var e = 0; e < nodes; e++)
            {
                if (!details.TryGetValue($"e{e}", out var node) || node["completedAt"] is null
                    || node["output"] is not JsonValue value || !value.TryGetValue<int>(out var k) || k < 0 || k >= nodes || position[k] >= 0)
                {
                    wrong.Add($"{started[i].Id} e{e}: {(details.TryGetValue($"e{e}", out var n) ? n.ToJsonString() : "no record")}");
                    continue;
                }

                position[k] = e;
                consumedAt[k] = LoadHost.Time(node, "completedAt");
            }

            for (var k = 0; k < nodes; k++)
            {
                var raise = sends[(k * count) + i];
                if (position[k] < 0)
                {
                    wrong.Add($"{started[i].Id}: event {k} lost");
                    continue;
                }

                latencies.Add(LoadHost.Ms(raise.Sent, consumedAt[k]));
                reordered += position[k] != k ? 1 : 0;
                for (var m = k + 1; m < nodes; m++)
                {
                    // FIFO is owed only between raises that did not overlap: m was sent after k was answered.
                    if (position[m] >= 0 && raise.Acked < sends[(m * count) + i].Sent && position[m] < position[k])
                    {
                        wrong.Add($"{started[i].Id}: event {m} was consumed before event {k}, which was answered before {m} was sent");
                    }
                }
            }

            var output = statuses[i]["output"] as JsonArray;
            if (output is null || !JsonNode.DeepEquals(output, new JsonArray([.. Enumerable.Range(0, nodes).Select(e => (JsonNode?)details.GetValueOrDefault($"e{e}")?["output"]?.DeepClone())])))
            {
                wrong.Add($"{started[i].Id} output {statuses[i]["output"]?.ToJsonString() ?? "null"} is not its event nodes' outputs");
            }
        }

        var p = Percentiles.Of(latencies);
        var detail = $"{count} instances x {nodes} event nodes, {total} raises scheduled at {perSecond:F0}/s (each instance's ~{count / perSecond * 1000:F0} ms apart): "
            + $"raise send->node completed {p}; raise ack {Percentiles.Of(sends.Select(s => LoadHost.Ms(s.Sent, s.Acked)))}; "
            + $"achieved send rate {(total - 1) / sendSeconds:F0}/s, at most {maxLag.TotalMilliseconds:F0} ms behind schedule (in-flight bound {MaxInFlight}); "
            + $"{reordered} events consumed at another position than sent (their raise overlapped an earlier raise to the same instance still unanswered, so the order is not defined); "
            + (wrong.Count == 0 ? "all Completed, every event consumed exactly once, FIFO kept between raises that did not overlap" : $"{wrong.Count} WRONG: {string.Join("; ", wrong.Take(5))}");
        return new LoadResult(count, latencies, p.P95 < TargetMs, wrong.Count == 0, total, detail);

        async Task RaiseAsync(int j)
        {
            try
            {
                var (status, sent, acked) = await host.PostAsync(
                    $"/runtime/webhooks/durabletask/instances/{started[j % count].Id}/raiseEvent/tick",
                    (j / count).ToString(CultureInfo.InvariantCulture),
                    cancellationToken);
                sends[j] = (sent, acked, status);
            }
            finally
            {
                inFlight.Release();
            }
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    // Waiting at e0: the status lists e0 among the running nodes.
    private static async Task WaitUntilWaitingAsync(LoadHost host, string id, CancellationToken cancellationToken)
    {
        var status = await host.StatusAsync(id, null, cancellationToken);
        while (status["customStatus"]?["running"] is not JsonArray running || !running.Any(n => n?.GetValue<string>() == "e0"))
        {
            if (LoadHost.IsFinal(status))
            {
                throw new InvalidOperationException($"{id} ended {status["runtimeStatus"]} before any event was raised.");
            }

            status = await host.StatusAsync(id, status["lastUpdatedTime"]!.GetValue<string>(), cancellationToken);
        }
    }
}
