using Serverless.Standalone.Bench;

// Scenarios A-E of issue 4 on the standalone host (a child process of its own, through its HTTP API) and on the Durable
// Task path (the workflow orchestration of src/DurableTask on the Durable Task engine with the Azure Storage provider and
// Durable Functions' default settings, through the gRPC sidecar, in the bench process), each target on a private Azurite
// of its own (disk persistence in a temp folder, or in memory with --in-memory) or on the account in
// SERVERLESS_BENCH_CONNECTION. For each target, the first ("cold") figure of a scenario is that scenario run first thing
// on a freshly started target (a new host process, or a new engine, sidecar and worker), and the warm figure is one
// target running every scenario after a warm-up; the standalone host is measured with each client mode. Usage:
//   dotnet run -c Release --project bench/Standalone.Bench [-- [--target standalone|durable|both]
//       [--client keep-alive|new-connection|both] [--cold-only|--warm-only] [--first-after SECONDS] [--repeat N]
//       [--host-dll PATH] [--in-memory] [A B C D E]]
//   dotnet run -c Release --project bench/Standalone.Bench -- latency
//   dotnet run -c Release --project bench/Standalone.Bench -- coldstart [--rounds N] [--in-memory] [--host-dll PATH]...
//   dotnet run -c Release --project bench/Standalone.Bench -- load [--in-memory] [--client keep-alive|new-connection] [--host-dll PATH] [--scale F] [linear branching flaky suspend events]
if (args.FirstOrDefault() == "load")
{
    return await Serverless.Standalone.Bench.Load.LoadBench.RunAsync(args[1..]);
}

// A bound, not a figure: with Durable Functions' concurrency defaults (10 orchestrations per core), the Durable Task
// path's C takes over 3 minutes on a loaded 2-core machine.
var scenarioTimeout = TimeSpan.FromMinutes(10);
var inMemory = args.Contains("--in-memory");
if (args is ["latency"] or ["latency", "--in-memory"] or ["--in-memory", "latency"])
{
    using var bound = new CancellationTokenSource(scenarioTimeout);
    await using var storage = await BenchStorage.StartAsync(inMemory, bound.Token);
    await StorageLatency.RunAsync(storage.ConnectionString, bound.Token);
    return 0;
}

if (args.FirstOrDefault() == "coldstart")
{
    return await ColdStart.RunAsync(args[1..]);
}

var options = BenchOptions.Parse(args);
var hostDll = HostImage.Resolve(options.HostDll);
var report = new Report(options.Scenarios);
Console.WriteLine($"== {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
foreach (var name in options.Targets)
{
    Console.WriteLine($"== {name}: starting; load average {Report.LoadAverage()}");
    using (var startBound = new CancellationTokenSource(scenarioTimeout))
    {
        await using var storage = await BenchStorage.StartAsync(inMemory, startBound.Token);
        Console.WriteLine($"   storage: {storage.Description}");
        if (name == Report.Standalone)
        {
            Console.WriteLine($"   host: {HostImage.Describe(hostDll)}; settings {string.Join(", ", StandaloneHostTarget.Settings.Select(s => $"{s.Key}={s.Value}"))}");
            foreach (var mode in options.ClientModes)
            {
                await RunTargetAsync(name, mode, ct => StartStandaloneAsync(storage.ConnectionString, mode, ct));
            }
        }
        else
        {
            Console.WriteLine("   client: an in-process gRPC DurableTaskClient through the sidecar; --client does not apply to this target");
            await RunTargetAsync(name, null, async ct =>
            {
                var target = await DurableTaskTarget.StartAsync(storage.ConnectionString, ct);
                Console.WriteLine($"   engine: {target.Settings}");
                return target;
            });
        }
    }
}

report.Print();
Console.WriteLine();
Console.WriteLine($"load average at the end: {Report.LoadAverage()}");
return report.Failures == 0 ? 0 : 1;

// The first figures (a fresh target per scenario), then the warm ones (one target, a warm-up, every scenario).
async Task RunTargetAsync(string name, ClientMode? mode, Func<CancellationToken, Task<IBenchTarget>> start)
{
    var client = mode is { } m ? $", {m.Label()}" : "";
    if (options.First)
    {
        foreach (var scenario in options.Scenarios)
        {
            for (var run = 1; run <= options.Repeat; run++)
            {
                await FirstAsync(scenario, run);
            }
        }
    }

    if (options.Warm)
    {
        var column = new Column(name, Phase.Warm, mode);
        Console.WriteLine($"== {name}, warm{client}: starting; load average {Report.LoadAverage()}");
        try
        {
            using var startBound = new CancellationTokenSource(scenarioTimeout);
            await using var target = await start(startBound.Token);
            using (var warmUpBound = new CancellationTokenSource(scenarioTimeout))
            {
                await target.WarmUpAsync(warmUpBound.Token);
            }

            Console.WriteLine($"   warmed up; load average {Report.LoadAverage()}");
            foreach (var scenario in options.Scenarios)
            {
                for (var run = 1; run <= options.Repeat; run++)
                {
                    await MeasureAsync(target, column, scenario);
                }
            }
        }
        catch (Exception ex) when (IsScenarioFailure(ex))
        {
            // The target did not start or warm up: none of its scenarios ran.
            foreach (var scenario in options.Scenarios.Where(s => !report.Has(column, s)))
            {
                report.Fail(column, scenario, ex);
            }
        }
    }

    // One fresh target, then the scenario first thing on it.
    async Task FirstAsync(string scenario, int run)
    {
        var column = new Column(name, Phase.First, mode);
        var of = options.Repeat > 1 ? $" (run {run} of {options.Repeat})" : "";
        Console.WriteLine($"== {name}, first {scenario}{client}{of}: starting a fresh target; load average {Report.LoadAverage()}");
        try
        {
            using var startBound = new CancellationTokenSource(scenarioTimeout);
            await using var target = await start(startBound.Token);
            if (options.FirstAfter > TimeSpan.Zero)
            {
                // The run's definition of "first": that long after the target is ready (--first-after), not a wait for luck.
                Console.WriteLine($"   waiting {options.FirstAfter.TotalSeconds:F1} s after the target is ready (--first-after)");
                await Task.Delay(options.FirstAfter, startBound.Token);
            }

            await MeasureAsync(target, column, scenario);
        }
        catch (Exception ex) when (IsScenarioFailure(ex))
        {
            report.Fail(column, scenario, ex);
        }
    }
}

async Task MeasureAsync(IBenchTarget target, Column column, string scenario)
{
    using var bound = new CancellationTokenSource(scenarioTimeout);
    var cpu = CpuMeter.Sample(target.HostCpuTime());
    try
    {
        var result = await target.RunAsync(scenario, bound.Token);
        result = result with { Requests = $"{result.Requests}; {CpuMeter.Since(cpu, target.HostCpuTime())}" };
        report.Add(column, scenario, result);
        var memory = target is StandaloneHostTarget host ? $" | host working set peak {host.Host.WorkingSet().Peak / (1024 * 1024)} MiB" : "";
        Console.WriteLine($"{column.Label} | {Workloads.Label(scenario)} | {result.Result} | {result.Requests}{memory} | load average {Report.LoadAverage()}");
    }
    catch (Exception ex) when (IsScenarioFailure(ex))
    {
        // One failed scenario is a figure too; the others still run.
        report.Fail(column, scenario, ex);
    }
}

async Task<IBenchTarget> StartStandaloneAsync(string connectionString, ClientMode mode, CancellationToken cancellationToken)
{
    var target = await StandaloneHostTarget.StartAsync(connectionString, mode, hostDll, cancellationToken);
    Console.WriteLine($"   host process {target.Host.Id}: healthy after {target.Host.HealthyAfter.TotalSeconds:F2} s");
    return target;
}

static bool IsScenarioFailure(Exception ex) => ex is InvalidOperationException or OperationCanceledException or TimeoutException
    or HttpRequestException or Grpc.Core.RpcException or Azure.RequestFailedException;
