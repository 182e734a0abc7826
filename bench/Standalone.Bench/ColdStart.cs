using System.Globalization;
using Serverless.Standalone.Bench.Load;
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

    // No settings beyond the ones every bench host runs with (StandaloneHostTarget.Settings: the host's defaults, logging at Warning).
    private static readonly Dictionary<string, string> DefaultSettings = [];

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
            System.Console.WriteLine($"   host: {host} ({HostImage.Kind(host)})");

            // The task hub every round's first start finds existing.
            await using var creator = await LoadHost.StartAsync(storage.ConnectionString, HubOf(host, "existing"), DefaultSettings, host, ClientMode.KeepAlive, ct);
            await creator.Process.StopAsync(ct);
        }

        var starts = hosts.ToDictionary(h => h, _ => new List<Start>());
        for (var round = 0; round < rounds; round++)
        {
            foreach (var host in hosts)
            {
                starts[host].Add(await MeasureAsync(storage.ConnectionString, host, HubOf(host, "existing"), existing: true, ct));
                starts[host].Add(await MeasureAsync(storage.ConnectionString, host, HubOf(host, "new" + round.ToString(CultureInfo.InvariantCulture)), existing: false, ct));
            }

            var each = string.Join("; ", hosts.SelectMany(h => starts[h].TakeLast(2)).Select(s => string.Create(
                CultureInfo.InvariantCulture, $"{(s.ExistingHub ? "exists" : "new")}: healthy {s.Healthy:F3} s, instance {s.Instance:F3} s")));
            System.Console.WriteLine($"   round {round + 1} of {rounds} done ({each}); load average {Report.LoadAverage()}");
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
                    $"| {Path.GetRelativePath(Azurite.RepoRoot, host)} ({HostImage.Kind(host)}) | {(existing ? "exists" : "new")} | {s.Count} "
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
        await using var started = await LoadHost.StartAsync(connectionString, hub, DefaultSettings, host, ClientMode.KeepAlive, ct);
        var process = started.Process;
        var healthy = process.HealthyAfter.TotalSeconds;
        var cpu = process.CpuTime().TotalSeconds;
        await started.PutAsync(Workloads.Chain("cold", 10), ct);
        var status = await started.WaitAsync((await started.StartAsync("cold", 1, ct)).Id, ct);
        if (status["runtimeStatus"]!.GetValue<string>() is not "Completed")
        {
            throw new InvalidOperationException($"The first instance ended {status.ToJsonString()}");
        }

        var created = LoadHost.Time(status, "createdTime");
        var completed = LoadHost.Time(status, "lastUpdatedTime");
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
