using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Serverless.Testing;

namespace Serverless.Standalone.Bench;

/// <summary>
/// Cold start of the standalone host as a real process on an Azurite that is already running: from the process start
/// to <c>/healthz</c> answering healthy, and to its first instance completed (a 10-node chain of <c>echo</c> nodes,
/// registered and started once the host is healthy). Each round starts one process per host build, alternately, on a
/// task hub that exists (as every start but a task hub's first) and then on a new one.
/// </summary>
internal static class ColdStart
{
    private const string Usage = "coldstart [--rounds N] [--in-memory] [--host-dll PATH]... (default: the build output of src/Standalone)";

    /// <summary>Runs the mode; <paramref name="args"/> are the arguments after <c>coldstart</c>.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var rounds = 5;
        var inMemory = false;
        var hosts = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--rounds" when i + 1 < args.Length:
                    rounds = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--in-memory":
                    inMemory = true;
                    break;
                case "--host-dll" when i + 1 < args.Length:
                    hosts.Add(Path.GetFullPath(args[++i]));
                    break;
                default:
                    throw new ArgumentException($"Unknown argument '{args[i]}'. Usage: {Usage}");
            }
        }

        if (hosts.Count == 0)
        {
            hosts.Add(Path.Combine(Azurite.RepoRoot, "src", "Standalone", "bin", "Release", "net10.0", "Serverless.Standalone.dll"));
        }

        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var ct = bound.Token;
        System.Console.WriteLine($"== cold start, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, load average {Report.LoadAverage()}, {Environment.ProcessorCount} cores");
        await using var storage = await BenchStorage.StartAsync(inMemory, ct);
        System.Console.WriteLine($"   storage: {storage.Description}");
        foreach (var host in hosts)
        {
            System.Console.WriteLine($"   host: {host} ({(HostImage.IsReadyToRun(host) ? "ReadyToRun" : "JIT: not precompiled")})");

            // The task hub every round's first start finds existing.
            await using var creator = await HostProcess.StartAsync(storage.ConnectionString, HubOf(host, "existing"), ct, hostDll: host);
            await creator.StopAsync(ct);
        }

        var starts = hosts.ToDictionary(h => h, _ => new List<Start>());
        for (var round = 0; round < rounds; round++)
        {
            foreach (var host in hosts)
            {
                starts[host].Add(await MeasureAsync(storage.ConnectionString, host, HubOf(host, "existing"), existing: true, ct));
                starts[host].Add(await MeasureAsync(storage.ConnectionString, host, HubOf(host, "new" + round.ToString(CultureInfo.InvariantCulture)), existing: false, ct));
            }

            System.Console.WriteLine($"   round {round + 1} of {rounds} done; load average {Report.LoadAverage()}");
        }

        System.Console.WriteLine();
        System.Console.WriteLine("| host | task hub | starts | healthy after (median, min-max) | first instance completed after (median, min-max) | the instance itself (median) | CPU until healthy (median) | working set after |");
        System.Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var host in hosts)
        {
            foreach (var existing in new[] { true, false })
            {
                var s = starts[host].Where(x => x.ExistingHub == existing).ToList();
                System.Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"| {Path.GetRelativePath(Azurite.RepoRoot, host)} ({(HostImage.IsReadyToRun(host) ? "ReadyToRun" : "JIT")}) | {(existing ? "exists" : "new")} | {s.Count} "
                    + $"| {Spread(s.Select(x => x.Healthy))} | {Spread(s.Select(x => x.FirstCompleted))} | {Median(s.Select(x => x.Instance)):F3} s "
                    + $"| {Median(s.Select(x => x.CpuUntilHealthy)):F2} s | {Median(s.Select(x => x.WorkingSetMiB)):F0} MiB |"));
            }
        }

        System.Console.WriteLine();
        System.Console.WriteLine($"load average at the end: {Report.LoadAverage()}");
        return 0;
    }

    private static async Task<Start> MeasureAsync(string connectionString, string host, string hub, bool existing, CancellationToken ct)
    {
        await using var process = await HostProcess.StartAsync(connectionString, hub, ct, hostDll: host);
        var healthy = process.HealthyAfter.TotalSeconds;
        var cpu = process.CpuTime().TotalSeconds;
        using var http = BenchHttp.Create(process.Address, ClientMode.KeepAlive);
        var definition = Workloads.Chain("cold", 10);
        using (var put = await http.PutAsync("/api/workflows/cold", new StringContent(definition), ct))
        {
            put.EnsureSuccessStatusCode();
        }

        string id;
        using (var start = await http.PostAsync("/api/workflows/cold/instances", new StringContent("1"), ct))
        {
            var body = await start.Content.ReadFromJsonAsync<JsonObject>(ct);
            id = (int)start.StatusCode == 202 ? body!["id"]!.GetValue<string>() : throw new InvalidOperationException(body!.ToJsonString());
        }

        JsonObject status;
        while (true)
        {
            status = (await http.GetFromJsonAsync<JsonObject>($"/runtime/webhooks/durabletask/instances/{id}", ct))!;
            if (status["runtimeStatus"]!.GetValue<string>() is "Completed")
            {
                break;
            }

            if (status["runtimeStatus"]!.GetValue<string>() is "Failed" or "Terminated")
            {
                throw new InvalidOperationException($"The first instance ended {status.ToJsonString()}");
            }

            // A bounded poll (the token carries the deadline); its period is far below the figures measured.
            await Task.Delay(5, ct);
        }

        var created = DateTimeOffset.Parse(status["createdTime"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        var completed = DateTimeOffset.Parse(status["lastUpdatedTime"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        var memory = process.WorkingSet().Current / (1024.0 * 1024.0);
        await process.StopAsync(ct);
        return new Start(existing, healthy, (completed - process.Started).TotalSeconds, (completed - created).TotalSeconds, cpu, memory);
    }

    private static string HubOf(string host, string suffix)
        => "cold" + (uint)host.GetHashCode(StringComparison.Ordinal) % 1000 + suffix;

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    private static string Spread(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return string.Create(CultureInfo.InvariantCulture, $"{sorted[sorted.Length / 2]:F3} s ({sorted[0]:F3}-{sorted[^1]:F3})");
    }

    private sealed record Start(bool ExistingHub, double Healthy, double FirstCompleted, double Instance, double CpuUntilHealthy, double WorkingSetMiB);
}
