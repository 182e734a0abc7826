using BenchmarkDotNet.Running;
using Serverless.Engine.Bench;
using Serverless.Engine.Decisions;

// `dotnet run -c Release --project bench/Engine.Bench -- state` prints the state sizes;
// anything else goes to BenchmarkDotNet, e.g. `-- --filter '*'`.
if (args is ["state", ..])
{
    var (state, decisions) = Workloads.RunToCompletion(Workloads.Linear(50));
    var bytes = StateSerializer.Serialize(state);
    Console.WriteLine($"completed 50-node linear workflow: {decisions} decisions, state {bytes.Length} bytes ({bytes.Length / 1024.0:F1} KiB)");
    if (args is [_, "--print"])
    {
        Console.WriteLine(System.Text.Encoding.UTF8.GetString(bytes));
    }

    var (foreachState, _) = Workloads.RunToCompletion(Workloads.Foreach(10), Workloads.ItemsInput(10_000));
    Console.WriteLine($"completed 10,000-item foreach: state {StateSerializer.Serialize(foreachState).Length / 1024.0:F0} KiB");
    return;
}

if (args is ["profile"])
{
    var plan = Workloads.Foreach(10);
    var input = Workloads.ItemsInput(10_000);
    for (var i = 0; i < 10; i++)
    {
        Workloads.RunToCompletion(plan, input);
    }

    return;
}

if (args is ["quick"])
{
    // A fast look while working (min of 5 runs, wall clock and process CPU time, which stays honest on a loaded
    // machine); the figures in docs/performance.md come from BenchmarkDotNet.
    var linear = Workloads.Linear(50);
    var fanout = Workloads.Foreach(10);
    var items = Workloads.ItemsInput(10_000);
    foreach (var (name, run, steps) in new (string, Action, int)[]
    {
        ("linear 50, per step", () => Workloads.RunToCompletion(linear), 51),
        ("foreach 10k, total", () => Workloads.RunToCompletion(fanout, items), 1),
    })
    {
        var best = double.MaxValue;
        var bestCpu = double.MaxValue;
        var process = System.Diagnostics.Process.GetCurrentProcess();
        for (var i = 0; i < 5; i++)
        {
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            var watch = System.Diagnostics.Stopwatch.StartNew();
            run();
            best = Math.Min(best, watch.Elapsed.TotalMicroseconds / steps);
            process.Refresh();
            bestCpu = Math.Min(bestCpu, (process.TotalProcessorTime - cpu).TotalMicroseconds / steps);
        }

        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var gcs = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        run();
        Console.WriteLine($"{name}: {best:F1} us wall, {bestCpu:F1} us CPU; one run allocates {(GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1024} KiB, "
            + $"GCs gen0/1/2 {GC.CollectionCount(0) - gcs.Item1}/{GC.CollectionCount(1) - gcs.Item2}/{GC.CollectionCount(2) - gcs.Item3}");
    }

    return;
}

BenchmarkSwitcher.FromAssembly(typeof(DeciderBenchmarks).Assembly).Run(args);
