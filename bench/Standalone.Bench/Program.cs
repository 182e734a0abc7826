using Serverless.Standalone.Bench;

// Scenarios A-E of issue 4 on the standalone host (its HTTP API) and on the Durable Task path (the workflow
// orchestration of src/DurableTask on the Durable Task engine with the Azure Storage provider, through the gRPC
// sidecar), each on a private Azurite of its own (disk persistence in a temp folder, or in memory with --in-memory) or
// on the account in SERVERLESS_BENCH_CONNECTION. With both targets, the standalone host runs first, then the Durable
// Task path, each after its own warm-up. Usage:
//   dotnet run -c Release --project bench/Standalone.Bench [-- [--target standalone|durable|both] [--in-memory] [--cold] [A B C D E]]
//   dotnet run -c Release --project bench/Standalone.Bench -- latency
//   dotnet run -c Release --project bench/Standalone.Bench -- load [--in-memory] [--client keep-alive|new-connection] [--host-dll PATH] [--scale F] [linear branching flaky suspend events]
if (args.FirstOrDefault() == "load")
{
    return await Serverless.Standalone.Bench.Load.LoadBench.RunAsync(args[1..]);
}

var scenarioTimeout = TimeSpan.FromMinutes(5);
var inMemory = args.Contains("--in-memory");
if (args is ["latency"] or ["latency", "--in-memory"] or ["--in-memory", "latency"])
{
    using var bound = new CancellationTokenSource(scenarioTimeout);
    await using var storage = await BenchStorage.StartAsync(inMemory, bound.Token);
    await StorageLatency.RunAsync(storage.ConnectionString, bound.Token);
    return 0;
}

var cold = args.Contains("--cold");
var targetIndex = Array.IndexOf(args, "--target");
var target = targetIndex >= 0 && targetIndex + 1 < args.Length ? args[targetIndex + 1].ToLowerInvariant() : "both";
string[] targets = target switch
{
    "both" => ["standalone", "durable"],
    "standalone" or "durable" => [target],
    _ => throw new ArgumentException($"Unknown target '{target}'; use standalone, durable or both."),
};
var rest = args.Where((a, i) => a is not "--in-memory" and not "--cold" and not "--target" && (targetIndex < 0 || i != targetIndex + 1)).ToArray();
var scenarios = rest.Length == 0 ? Workloads.All : rest.Select(a => a.ToUpperInvariant()).ToArray();
foreach (var scenario in scenarios)
{
    _ = Workloads.Label(scenario); // Unknown names fail before anything starts.
}

var results = new Dictionary<(string Target, string Scenario), ScenarioResult>();
var failures = 0;
foreach (var name in targets)
{
    Console.WriteLine($"== {name}: starting; load average {LoadAverage()}");
    using var startBound = new CancellationTokenSource(scenarioTimeout);
    await using var storage = await BenchStorage.StartAsync(inMemory, startBound.Token);
    Console.WriteLine($"   storage: {storage.Description}");
    await using IBenchTarget host = name == "standalone"
        ? await StandaloneHostTarget.StartAsync(storage.ConnectionString, startBound.Token)
        : await DurableTaskTarget.StartAsync(storage.ConnectionString, startBound.Token);
    if (host is DurableTaskTarget durable)
    {
        Console.WriteLine($"   engine: {durable.Settings}");
    }

    using (var warmUpBound = new CancellationTokenSource(scenarioTimeout))
    {
        await host.WarmUpAsync(cold, warmUpBound.Token);
    }

    Console.WriteLine($"   warmed up; load average {LoadAverage()}");
    foreach (var scenario in scenarios)
    {
        using var bound = new CancellationTokenSource(scenarioTimeout);
        ScenarioResult result;
        var cpu = CpuMeter.Sample();
        try
        {
            result = await host.RunAsync(scenario, bound.Token);
            result = result with { Requests = $"{result.Requests}; {CpuMeter.Since(cpu)}" };
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException or TimeoutException
            or HttpRequestException or Grpc.Core.RpcException or Azure.RequestFailedException)
        {
            // One failed scenario is a figure too; the others still run.
            failures++;
            result = new ScenarioResult($"FAILED: {ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")}", "");
        }

        results[(name, scenario)] = result;
        Console.WriteLine($"{name} | {Workloads.Label(scenario)} | {result.Result} | {result.Requests} | load average {LoadAverage()}");
    }
}

Console.WriteLine();
Console.WriteLine("| scenario | standalone host | Durable Task (Azure Storage, sidecar) | target |");
Console.WriteLine("|---|---|---|---|");
foreach (var scenario in scenarios)
{
    Console.WriteLine($"| {Workloads.Label(scenario)} | {Cell("standalone", scenario, r => r.Result)} | {Cell("durable", scenario, r => r.Result)} | {Workloads.Goal(scenario)} |");
}

Console.WriteLine();
Console.WriteLine("| scenario | storage requests and CPU, standalone host | storage requests (the provider's) and CPU, Durable Task |");
Console.WriteLine("|---|---|---|");
foreach (var scenario in scenarios)
{
    Console.WriteLine($"| {Workloads.Label(scenario)} | {Cell("standalone", scenario, r => r.Requests)} | {Cell("durable", scenario, r => r.Requests)} |");
}

foreach (var ((name, scenario), result) in results.Where(r => r.Value.Detail is not null))
{
    Console.WriteLine();
    Console.WriteLine($"{name} {Workloads.Label(scenario)}: {result.Detail}");
}

Console.WriteLine();
Console.WriteLine($"load average at the end: {LoadAverage()}");
return failures == 0 ? 0 : 1;

string Cell(string name, string scenario, Func<ScenarioResult, string> pick)
    => results.TryGetValue((name, scenario), out var result) ? pick(result) : "not run";

static string LoadAverage()
{
    try
    {
        return string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
    }
    catch (IOException)
    {
        return "n/a";
    }
}
