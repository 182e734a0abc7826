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

BenchmarkSwitcher.FromAssembly(typeof(DeciderBenchmarks).Assembly).Run(args);
