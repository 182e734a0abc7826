using System.Globalization;
using System.Text.Json.Nodes;

namespace Serverless.Standalone.Bench.Load;

/// <summary>
/// The reference load scenarios of issue 15 (<c>load</c> mode): each through the HTTP API of a standalone host child
/// process of its own (so its memory and settings are its own) on one private Azurite, after a small unmeasured
/// version of itself as warm-up. Usage:
/// <c>load [--in-memory] [--client keep-alive|new-connection] [--host-dll PATH] [--scale F] [linear branching flaky suspend events]</c>.
/// </summary>
internal static class LoadBench
{
    private static readonly TimeSpan ScenarioTimeout = TimeSpan.FromMinutes(5);
    private static readonly string[] All = ["linear", "branching", "flaky", "suspend", "events"];

    /// <summary>Runs the scenarios <paramref name="args"/> names (all without names); 0 when all completed correctly.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        var inMemory = false;
        var mode = ClientMode.KeepAlive;
        string? hostDll = null;
        var scale = 1.0;
        var names = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--in-memory":
                    inMemory = true;
                    break;
                case "--client":
                    mode = BenchHttp.Parse(Value(args, ++i, "--client"));
                    break;
                case "--host-dll":
                    hostDll = Path.GetFullPath(Value(args, ++i, "--host-dll"));
                    break;
                case "--scale":
                    scale = double.Parse(Value(args, ++i, "--scale"), CultureInfo.InvariantCulture);
                    break;
                default:
                    names.Add(All.Contains(args[i].ToLowerInvariant())
                        ? args[i].ToLowerInvariant()
                        : throw new ArgumentException($"Unknown scenario or option '{args[i]}'; scenarios: {string.Join(", ", All)}."));
                    break;
            }
        }

        var selected = names.Count == 0 ? All : [.. All.Where(names.Contains)];
        int Scaled(int n) => Math.Max(2, (int)Math.Round(n * scale));
        System.Console.WriteLine($"== load scenarios (issue 15), {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss} UTC, on {Environment.ProcessorCount} cores");
        System.Console.WriteLine($"   client: {mode.Label()} (BenchHttp, at most 64 connections); scale {scale}; host: {hostDll ?? "the build output of src/Standalone"}");

        using var storageBound = new CancellationTokenSource(ScenarioTimeout);
        await using var storage = await BenchStorage.StartAsync(inMemory, storageBound.Token);
        System.Console.WriteLine($"   storage: {storage.Description}");

        System.Console.WriteLine($"   every host: {string.Join(", ", StandaloneHostTarget.Settings.Select(s => $"{s.Key}={s.Value}"))} (the host's defaults otherwise), plus the scenario's settings below");
        var rows = new List<string>();
        var notes = new List<string>();
        var failures = 0;
        foreach (var name in selected)
        {
            await using ILoadScenario scenario = name switch
            {
                "linear" => new InstanceScenario(
                    "linear", Scaled(1000), 10, 500, w => LoadWorkflows.Linear(w, 10), i => i),
                "branching" => new InstanceScenario(
                    "branching", Scaled(100), 50, 2000, w => LoadWorkflows.Branching(w, 6, 8), i => new JsonArray([.. Enumerable.Repeat(i, 6).Select(v => (JsonNode)v)])),
                "flaky" => new FlakyScenario(Scaled(1000)),
                "suspend" => new SuspendScenario(Scaled(500)),
                _ => new EventsScenario(Scaled(200), 1000 * scale),
            };
            var (row, ok) = await RunOneAsync(scenario, storage.ConnectionString, hostDll, mode);
            rows.Add(row);
            notes.Add($"- {scenario.Name}: {scenario.Latency}.");
            failures += ok ? 0 : 1;
        }

        System.Console.WriteLine();
        System.Console.WriteLine($"client: {mode.Label()}; storage: {storage.Description}; scale {scale}");
        System.Console.WriteLine();
        System.Console.WriteLine("| scenario | instances | p50 | p95 | p99 | max | target | met? | storage requests per node step (table/queue/blob) | host memory (working set after, peak) | CPU |");
        System.Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var row in rows)
        {
            System.Console.WriteLine(row);
        }

        System.Console.WriteLine();
        System.Console.WriteLine("Latencies (p50 to max):");
        notes.ForEach(System.Console.WriteLine);
        System.Console.WriteLine("Storage requests per node step: the host's /healthz counters over the measured run (the bench's one-at-a-time status reads while waiting included, node-detail reads for the checks not; queue includes idle polling).");
        System.Console.WriteLine();
        System.Console.WriteLine($"{failures} of {selected.Length} scenarios failed or missed completion; load average at the end: {Report.LoadAverage()}");
        return failures == 0 ? 0 : 1;
    }

    private static async Task<(string Row, bool Ok)> RunOneAsync(ILoadScenario scenario, string connectionString, string? hostDll, ClientMode mode)
    {
        System.Console.WriteLine();
        System.Console.WriteLine($"== {scenario.Name}: load average before {Report.LoadAverage()}; host settings: {Describe(scenario.Settings)}; why: {scenario.SettingsReason}");
        LoadHost? started = null;
        try
        {
            LoadHost host;
            using (var warmBound = new CancellationTokenSource(ScenarioTimeout))
            {
                await scenario.StartAsync(warmBound.Token);
                var taskHub = $"load{scenario.Name}{DateTimeOffset.UtcNow:HHmmss}";
                host = await LoadHost.StartAsync(connectionString, taskHub, scenario.Settings, hostDll, mode, warmBound.Token);
                started = host;
                try
                {
                    var warm = await scenario.RunAsync(host, warmUp: true, LoadMeter.None, warmBound.Token);
                    if (!warm.Complete)
                    {
                        throw new InvalidOperationException("warm-up: " + warm.Detail);
                    }
                }
                catch
                {
                    await host.DisposeAsync();
                    throw;
                }
            }

            await using (host)
            {
                System.Console.WriteLine($"   {scenario.Name}: host pid {host.Process.Id} healthy after {host.Process.HealthyAfter.TotalSeconds:F1} s, warmed up; load average {Report.LoadAverage()}");
                using var bound = new CancellationTokenSource(ScenarioTimeout);
                var meter = await LoadMeter.StartAsync(host, bound.Token);
                var result = await scenario.RunAsync(host, warmUp: false, meter, bound.Token);
                await meter.StopAsync(bound.Token);
                var requests = meter.Requests;
                var (current, peak) = meter.Memory;
                var p = Percentiles.Of(result.LatenciesMs);
                var met = result.Met ? "yes" : "missed";
                var perStep = string.Create(
                    CultureInfo.InvariantCulture,
                    $"{(double)requests.Tables / result.Steps:F2} / {(double)requests.Queues / result.Steps:F2} / {(double)requests.Blobs / result.Steps:F2} ({result.Steps} steps)");
                var memory = $"{current / (1024.0 * 1024):F0} MB, peak {peak / (1024.0 * 1024):F0} MB";
                System.Console.WriteLine($"{scenario.Name} | {(result.Complete ? "complete" : "INCOMPLETE")} | {met} | {result.Detail}");
                System.Console.WriteLine($"   {scenario.Name}: storage requests per step {perStep}; host {memory}; {meter.CpuSplit}; load average after {Report.LoadAverage()}");
                var row = $"| {scenario.Name} | {result.Instances} | {Percentiles.Ms(p.P50)} | {Percentiles.Ms(p.P95)} | {Percentiles.Ms(p.P99)} | {Percentiles.Ms(p.Max)} "
                    + $"| {scenario.Target} | {(result.Complete ? met : met + ", INCOMPLETE")} | {perStep} | {memory} | {meter.CpuSplit} |";
                return (row, result.Complete);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // One failed scenario is a figure too, whatever broke it (a bad answer, a timeout, a host that died); the others still run.
            var message = ex is OperationCanceledException
                ? $"FAILED: not done within the {ScenarioTimeout.TotalMinutes:F0}-minute bound"
                : $"FAILED: {ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")}";
            System.Console.WriteLine($"{scenario.Name} | {message} | load average after {Report.LoadAverage()}");
            if (started is not null)
            {
                System.Console.WriteLine($"   the host's last output lines:\n{string.Join('\n', started.Process.Output.Split('\n').TakeLast(15).Select(l => "     " + l))}");
            }

            return ($"| {scenario.Name} | | | | | | {scenario.Target} | {message} | | | |", false);
        }
    }

    private static string Value(string[] args, int index, string option)
        => index < args.Length ? args[index] : throw new ArgumentException($"{option} needs a value.");

    private static string Describe(IReadOnlyDictionary<string, string> settings)
        => settings.Count == 0 ? "defaults" : string.Join(", ", settings.Select(s => $"{s.Key}={s.Value}"));
}
