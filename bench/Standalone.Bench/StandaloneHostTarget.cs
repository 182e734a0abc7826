using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Serverless.Testing;

namespace Serverless.Standalone.Bench;

/// <summary>
/// The standalone host as a child process of its own (<see cref="HostProcess"/>: <c>dotnet Serverless.Standalone.dll</c>
/// on 127.0.0.1 with default options, 4 partitions), driven through its HTTP API like a client would, keep-alive or with a
/// new connection per request; no-op nodes call the host's built-in <c>echo</c>. Times are the instances' own
/// <c>createdTime</c> to <c>lastUpdatedTime</c> (the client's polling does not count).
/// </summary>
internal sealed class StandaloneHostTarget : IBenchTarget
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);
    private static int _started;
    private readonly HostProcess _host;
    private readonly HttpClient _http;

    private StandaloneHostTarget(HostProcess host, HttpClient http)
    {
        _host = host;
        _http = http;
    }

    /// <summary>The host process (its id, when it became healthy, its working set).</summary>
    public HostProcess Host => _host;

    /// <summary>
    /// The settings the host process runs with besides storage and task hub: its defaults, except logging at Warning (as
    /// the in-process bench ran it, with no logging, and the Durable Task path, which logs nothing unless asked).
    /// </summary>
    public static IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        // HostProcess shortens the lease renewal for tests; the host's default is 4 s.
        ["Host__LeaseRenewInterval"] = "00:00:04",
        ["Logging__LogLevel__Default"] = "Warning",
        ["Logging__LogLevel__Serverless"] = "Warning",
    };

    /// <summary>
    /// Starts a new host process on a new task hub of <paramref name="connectionString"/>, waits until it is healthy, and
    /// drives it with a client in <paramref name="mode"/>.
    /// </summary>
    public static async Task<StandaloneHostTarget> StartAsync(
        string connectionString, ClientMode mode, string? hostDll, CancellationToken cancellationToken)
    {
        var taskHub = string.Create(
            CultureInfo.InvariantCulture, $"bench{DateTime.UtcNow:HHmmss}n{Interlocked.Increment(ref _started)}");
        var host = await HostProcess.StartAsync(connectionString, taskHub, cancellationToken, new Dictionary<string, string>(Settings), hostDll);
        return new StandaloneHostTarget(host, BenchHttp.Create(host.Address, mode));
    }

    public async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        await PutAsync(Workloads.Chain("bench-warm", 20), cancellationToken);
        await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ => await WaitAsync(await StartAsync("bench-warm", "1", cancellationToken), cancellationToken)));

        // The raise-event path gets 200 events: on 2 cores, with fewer the tiered JIT is still recompiling it during D.
        await PutAsync(Workloads.Events("bench-warm-d", 200), cancellationToken);
        var warmEvents = await StartAsync("bench-warm-d", "null", cancellationToken);
        await RaiseAsync(warmEvents, 200, cancellationToken);
        await WaitAsync(warmEvents, cancellationToken);
    }

    public Task<ScenarioResult> RunAsync(string scenario, CancellationToken cancellationToken) => scenario switch
    {
        "A" => ScenarioAAsync(cancellationToken),
        "B" => ScenarioBAsync(cancellationToken),
        "C" => ScenarioCAsync(cancellationToken),
        "D" => ScenarioDAsync(cancellationToken),
        "E" => ScenarioEAsync(cancellationToken),
        _ => throw new ArgumentException($"Unknown scenario {scenario}; use A-E.", nameof(scenario)),
    };

    public TimeSpan? HostCpuTime() => _host.CpuTime();

    /// <summary>Stops the host as a service manager would (SIGTERM, bounded by 30 s), then kills what is left.</summary>
    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _host.StopAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // DisposeAsync kills it.
        }

        await _host.DisposeAsync();
    }

    private async Task<ScenarioResult> ScenarioAAsync(CancellationToken cancellationToken)
    {
        await PutAsync(Workloads.Chain("bench-a", 100), cancellationToken);
        var before = await CountersAsync(cancellationToken);
        var status = await WaitAsync(await StartAsync("bench-a", "1", cancellationToken), cancellationToken);
        var seconds = Elapsed(status);
        var after = await CountersAsync(cancellationToken);
        ExpectOutput(status, 1, "A");
        return new(100 / seconds, $"{100 / seconds:F0} nodes/s ({seconds:F2} s)", (after - before).PerStep(100, seconds));
    }

    private async Task<ScenarioResult> ScenarioBAsync(CancellationToken cancellationToken)
    {
        await PutAsync(Workloads.Foreach("bench-b"), cancellationToken);
        var before = await CountersAsync(cancellationToken);
        var status = await WaitAsync(await StartAsync("bench-b", Workloads.ForeachInput(), cancellationToken), cancellationToken);
        var seconds = Elapsed(status);
        var after = await CountersAsync(cancellationToken);
        ExpectOutput(status, Workloads.ForeachItems, "B");
        return new(Workloads.ForeachItems / seconds, $"{Workloads.ForeachItems / seconds:F0} nodes/s ({seconds:F2} s)", (after - before).PerStep(Workloads.ForeachItems, seconds));
    }

    private async Task<ScenarioResult> ScenarioCAsync(CancellationToken cancellationToken)
    {
        await PutAsync(Workloads.Chain("bench-c", 10), cancellationToken);
        var before = await CountersAsync(cancellationToken);
        var ids = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => StartAsync("bench-c", i.ToString(CultureInfo.InvariantCulture), cancellationToken)));
        var statuses = await WaitAllAsync(ids, cancellationToken);
        var all = Span(statuses);
        var latencies = statuses.Select(Elapsed).Order().ToArray();
        var after = await CountersAsync(cancellationToken);
        return new(
            200 / all,
            $"{200 / all:F1} instances/s, p50 {latencies[100]:F2} s, p95 {latencies[190]:F2} s",
            (after - before).PerStep(2000, all));
    }

    private async Task<ScenarioResult> ScenarioDAsync(CancellationToken cancellationToken)
    {
        await PutAsync(Workloads.Events("bench-d", 100), cancellationToken);
        var id = await StartAsync("bench-d", "null", cancellationToken);
        var before = await CountersAsync(cancellationToken);
        var firstRaise = DateTimeOffset.UtcNow;
        var raising = Stopwatch.StartNew();
        await RaiseAsync(id, 100, cancellationToken);
        var raised = raising.Elapsed.TotalSeconds;
        var status = await WaitAsync(id, cancellationToken);
        var seconds = (Time(status, "lastUpdatedTime") - firstRaise).TotalSeconds;
        var after = await CountersAsync(cancellationToken);
        ExpectOutput(status, 99, "D (events consumed out of order?)");
        return new(100 / seconds, $"{100 / seconds:F0} events/s ({seconds:F2} s; the raises took {raised:F2} s)", (after - before).PerStep(100, seconds));
    }

    private async Task<ScenarioResult> ScenarioEAsync(CancellationToken cancellationToken)
    {
        await PutAsync(Workloads.Wait("bench-e"), cancellationToken);
        var before = await CountersAsync(cancellationToken);
        var startClock = Stopwatch.StartNew();
        var ids = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => StartAsync("bench-e", "null", cancellationToken)));
        var starting = startClock.Elapsed.TotalSeconds;
        var statuses = await WaitAllAsync(ids, cancellationToken);
        var seconds = Span(statuses);
        var after = await CountersAsync(cancellationToken);
        var waits = new List<TimeSpan>();
        var reached = new List<TimeSpan>();
        for (var i = 0; i < ids.Length; i++)
        {
            var nodes = await _http.GetFromJsonAsync<JsonObject>($"/api/instances/{ids[i]}/nodes", cancellationToken);
            var w = nodes!["nodes"]![0]!.AsObject();
            waits.Add(Time(w, "completedAt") - Time(w, "startedAt"));
            reached.Add(Time(w, "startedAt") - Time(statuses[i], "createdTime"));
        }

        return new(seconds, Figures.Waits(seconds, starting, waits, reached), (after - before).PerStep(200, seconds));
    }

    // Raises `count` events one after another, each once the previous one was answered (202: saved).
    private async Task RaiseAsync(string id, int count, CancellationToken cancellationToken)
    {
        for (var i = 0; i < count; i++)
        {
            using var response = await _http.PostAsync(
                $"/runtime/webhooks/durabletask/instances/{id}/raiseEvent/tick", new StringContent(i.ToString(CultureInfo.InvariantCulture)), cancellationToken);
            if ((int)response.StatusCode != 202)
            {
                throw new InvalidOperationException($"raiseEvent answered {(int)response.StatusCode}");
            }
        }
    }

    private async Task PutAsync(string json, CancellationToken cancellationToken)
    {
        var name = JsonNode.Parse(json)!["name"]!.GetValue<string>();
        using var response = await _http.PutAsync($"/api/workflows/{name}", new StringContent(json), cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"PUT {name}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }

    private async Task<string> StartAsync(string workflow, string input, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsync($"/api/workflows/{workflow}/instances", new StringContent(input), cancellationToken);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken);
        return (int)response.StatusCode == 202 ? body!["id"]!.GetValue<string>() : throw new InvalidOperationException(body!.ToJsonString());
    }

    private async Task<JsonObject> WaitAsync(string id, CancellationToken cancellationToken)
    {
        while (true)
        {
            var status = await _http.GetFromJsonAsync<JsonObject>($"/runtime/webhooks/durabletask/instances/{id}", cancellationToken);
            var runtime = status!["runtimeStatus"]!.GetValue<string>();
            if (runtime is "Completed")
            {
                return status;
            }

            if (runtime is "Failed" or "Terminated")
            {
                throw new InvalidOperationException($"{id} ended {runtime}: {status.ToJsonString()}");
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    private async Task<JsonObject[]> WaitAllAsync(string[] ids, CancellationToken cancellationToken)
    {
        // One poller at a time (in order), so the bench does not load the storage it measures.
        var result = new JsonObject[ids.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            result[i] = await WaitAsync(ids[i], cancellationToken);
        }

        return result;
    }

    private async Task<RequestCounts> CountersAsync(CancellationToken cancellationToken)
        => RequestCounts.FromHealth((JsonObject)(await _http.GetFromJsonAsync<JsonObject>("/healthz", cancellationToken))!["counters"]!);

    private static void ExpectOutput(JsonObject status, int expected, string scenario)
    {
        if (status["output"]?.ToJsonString() != expected.ToString(CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException($"{scenario}: output {status["output"]?.ToJsonString()}, expected {expected}.");
        }
    }

    private static DateTimeOffset Time(JsonObject status, string name) => DateTimeOffset.Parse(status[name]!.GetValue<string>(), CultureInfo.InvariantCulture);

    private static double Span(JsonObject[] statuses)
        => (statuses.Max(s => Time(s, "lastUpdatedTime")) - statuses.Min(s => Time(s, "createdTime"))).TotalSeconds;

    private static double Elapsed(JsonObject status) => (Time(status, "lastUpdatedTime") - Time(status, "createdTime")).TotalSeconds;
}
