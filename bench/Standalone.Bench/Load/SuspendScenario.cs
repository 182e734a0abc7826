using System.Globalization;

namespace Serverless.Standalone.Bench.Load;

/// <summary>
/// <c>suspend</c>: instances of a chain of <see cref="Nodes"/> <c>wait</c> nodes of 2 s are started (60 s, so that every
/// instance is still mid-chain when all are suspended, even on a slow machine where starting them all takes tens of
/// seconds; unsuspended, each would start a node every 2 s). Once every one is Running (its first wait started), all
/// are suspended at once, held suspended for <see cref="Hold"/> from the last suspend answer, then all resumed at once,
/// and all must complete. The latencies are the suspend requests' send->202 (bench clock; the send is when the bench
/// issued the request, so with all at once on the client's 64 connections it includes waiting for a connection);
/// resume's are reported too. Effective means: no node of an instance has <c>startedAt</c> between its suspend answer
/// and its resume send (from node detail after completion).
/// </summary>
/// <param name="instances">Instances of the measured run.</param>
internal sealed class SuspendScenario(int instances) : ILoadScenario
{
    private const int Nodes = 30;
    private const int WarmUpNodes = 10;
    private const double TargetMs = 100;
    private static readonly TimeSpan Hold = TimeSpan.FromSeconds(2);

    /// <inheritdoc/>
    public string Name => "suspend";

    /// <inheritdoc/>
    public string Target => $"ack p95 < {TargetMs:F0} ms, 0 starts while suspended";

    /// <inheritdoc/>
    public string Latency => "each suspend request's send -> 202 (bench clock, including the wait for one of the client's 64 connections); resume's in the line";

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
        var seconds = warmUp ? 1 : 2;
        var workflow = $"load-suspend-{nodes}";
        await host.PutAsync(LoadWorkflows.Waits(workflow, nodes, $"PT{seconds}S"), cancellationToken);
        var count = warmUp ? Math.Max(2, Math.Min(instances, 25)) : instances;
        var started = await host.StartAllAsync(workflow, count, cancellationToken);

        // Running means the first wait has started, so every instance is mid-chain when it is suspended.
        foreach (var instance in started)
        {
            var status = await host.StatusAsync(instance.Id, null, cancellationToken);
            var seen = new List<string>();
            while (status["runtimeStatus"]!.GetValue<string>() != "Running")
            {
                seen.Add($"{status["runtimeStatus"]} at {status["lastUpdatedTime"]}");
                if (LoadHost.IsFinal(status))
                {
                    throw new InvalidOperationException(
                        $"{instance.Id} ended {status["runtimeStatus"]} before it was suspended (the chain is too short for this machine); created {status["createdTime"]}, seen: {string.Join(", ", seen)}.");
                }

                status = await host.StatusAsync(instance.Id, status["lastUpdatedTime"]!.GetValue<string>(), cancellationToken);
            }
        }

        var allRunning = (DateTimeOffset.UtcNow - started.Min(s => s.Sent)).TotalSeconds;
        var suspends = await Task.WhenAll(started.Select(s => host.PostAsync(
            $"/runtime/webhooks/durabletask/instances/{s.Id}/suspend?reason=load", "", cancellationToken)));
        CheckAll(suspends, "suspend");
        var holdEnd = suspends.Max(s => s.Acked) + Hold;

        // While held, read each status once, in order, as long as the hold lasts.
        var checkedCount = 0;
        var suspendedCount = 0;
        foreach (var instance in started)
        {
            if (DateTimeOffset.UtcNow >= holdEnd)
            {
                break;
            }

            var status = await host.StatusAsync(instance.Id, null, cancellationToken);
            checkedCount++;
            suspendedCount += status["runtimeStatus"]!.GetValue<string>() == "Suspended" ? 1 : 0;
        }

        var left = holdEnd - DateTimeOffset.UtcNow;
        if (left > TimeSpan.Zero)
        {
            // The hold is the scenario's definition (how long the instances stay suspended), not a wait for luck.
            await Task.Delay(left, cancellationToken);
        }

        var resumes = await Task.WhenAll(started.Select(s => host.PostAsync(
            $"/runtime/webhooks/durabletask/instances/{s.Id}/resume?reason=load", "", cancellationToken)));
        CheckAll(resumes, "resume");
        var statuses = await host.WaitAllAsync([.. started.Select(s => s.Id)], cancellationToken);
        await meter.StopAsync(cancellationToken);

        var wrong = new List<string>();
        var violations = new List<string>();
        var startedWhileHeld = 0;
        for (var i = 0; i < started.Length; i++)
        {
            var runtime = statuses[i]["runtimeStatus"]!.GetValue<string>();
            if (runtime != "Completed" || statuses[i]["output"]?.ToJsonString() != nodes.ToString(CultureInfo.InvariantCulture))
            {
                wrong.Add($"{started[i].Id} {runtime} output {statuses[i]["output"]?.ToJsonString() ?? "null"}");
            }

            var details = await host.NodesAsync(started[i].Id, cancellationToken);
            if (details.Count != nodes)
            {
                wrong.Add($"{started[i].Id} has {details.Count} node records, expected {nodes}");
            }

            foreach (var node in details.Where(n => n["startedAt"] is not null))
            {
                var at = LoadHost.Time(node, "startedAt");
                if (at > suspends[i].Acked && at < resumes[i].Sent)
                {
                    startedWhileHeld++;
                    violations.Add($"{started[i].Id} {node["path"]} started {LoadHost.Ms(suspends[i].Acked, at):F0} ms after the suspend answer");
                }
            }
        }

        var suspendAcks = suspends.Select(s => LoadHost.Ms(s.Sent, s.Acked)).ToArray();
        var resumeAcks = resumes.Select(s => LoadHost.Ms(s.Sent, s.Acked));
        var held = (resumes.Min(r => r.Sent) - suspends.Max(s => s.Acked)).TotalSeconds;
        var p = Percentiles.Of(suspendAcks);
        var detail = $"{count} instances x {nodes} waits of {seconds} s, all seen Running {allRunning:F1} s after the first start: suspend ack {p}; resume ack {Percentiles.Of(resumeAcks)}; "
            + $"held {held:F2} s (from the last suspend answer to the first resume send); {suspendedCount} of {checkedCount} statuses read while held were Suspended; "
            + $"{startedWhileHeld} nodes started while suspended (unsuspended, about {count * held / seconds:F0} would have)" + (violations.Count == 0 ? "" : $" (VIOLATIONS: {string.Join("; ", violations.Take(5))})")
            + "; " + (wrong.Count == 0 ? "all Completed with the expected output" : $"{wrong.Count} WRONG: {string.Join("; ", wrong.Take(5))}");
        var complete = wrong.Count == 0 && startedWhileHeld == 0;
        return new LoadResult(count, suspendAcks, p.P95 < TargetMs && startedWhileHeld == 0, complete, count * nodes, detail);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static void CheckAll((int Status, DateTimeOffset Sent, DateTimeOffset Acked)[] answers, string what)
    {
        var bad = answers.Where(a => a.Status != 202).Select(a => a.Status).ToArray();
        if (bad.Length > 0)
        {
            throw new InvalidOperationException($"{bad.Length} {what} requests were not answered 202: {string.Join(", ", bad.Distinct())}");
        }
    }
}
