using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Serverless.Engine.Decisions;
using Serverless.Engine.Expressions;

namespace Serverless.Engine.Bench;

/// <summary>Decider cost: whole instances driven to completion, divided by the decisions they take.</summary>
[MemoryDiagnoser]
public class DeciderBenchmarks
{
    private WorkflowPlan linear = null!;
    private WorkflowPlan foreachBounded = null!;
    private WorkflowPlan foreachUnbounded = null!;
    private JsonElement items;

    [GlobalSetup]
    public void Setup()
    {
        linear = Workloads.Linear(50);
        foreachBounded = Workloads.Foreach(10);
        foreachUnbounded = Workloads.Foreach(0);
        items = Workloads.ItemsInput(10_000);
    }

    /// <summary>50 activity nodes: 51 decisions (start + 50 completions), each with one template evaluation.</summary>
    [Benchmark(OperationsPerInvoke = 51)]
    public InstanceState Linear50_PerNodeStep() => Workloads.RunToCompletion(linear).State;

    /// <summary>A 10,000-item foreach, maxConcurrency 10: the whole instance (10,001 decisions).</summary>
    [Benchmark]
    public InstanceState Foreach10k_Concurrency10_Total() => Workloads.RunToCompletion(foreachBounded, items).State;

    /// <summary>A 10,000-item foreach, maxConcurrency 0 (host maximum, 100): the whole instance.</summary>
    [Benchmark]
    public InstanceState Foreach10k_HostMaximum_Total() => Workloads.RunToCompletion(foreachUnbounded, items).State;
}

/// <summary>Expression cost: one template evaluation in a small scope.</summary>
[MemoryDiagnoser]
public class ExpressionBenchmarks
{
    private readonly List<Definitions.ValidationError> errors = [];
    private Template property = null!;
    private Template interpolation = null!;
    private Template constant = null!;
    private Template condition = null!;
    private ExpressionScope scope = null!;

    [GlobalSetup]
    public void Setup()
    {
        property = Compile("\"${{ nodes.fetch.output.total }}\"");
        interpolation = Compile("\"order ${{ input.orderId }} costs ${{ nodes.fetch.output.total * 1.2 }}\"");
        constant = Compile("""{"a":1,"b":[1,2,3]}""");
        condition = Compile("\"${{ nodes.fetch.output.total > 10 && input.amount < 100 }}\"");
        scope = new ExpressionScope
        {
            Input = Workloads.Input,
            Instance = new InstanceInfo("bench-1", "bench", 1, DateTimeOffset.UnixEpoch),
            Now = DateTimeOffset.UnixEpoch,
            Nodes = new Dictionary<string, NodeView>
            {
                ["fetch"] = new("succeeded", JsonDocument.Parse("""{"total":35,"lines":[{"sku":"a","qty":2}]}""").RootElement.Clone(), null),
            },
        };
    }

    private Template Compile(string json)
        => Template.Compile(JsonDocument.Parse(json).RootElement.Clone(), "/bench", TemplateOptions.Default, errors)
           ?? throw new InvalidOperationException(string.Join("; ", errors));

    [Benchmark]
    public JsonElement PropertyRead() => property.Evaluate(scope);

    [Benchmark]
    public JsonElement Interpolation() => interpolation.Evaluate(scope);

    [Benchmark]
    public JsonElement Constant() => constant.Evaluate(scope);

    [Benchmark]
    public bool Condition() => condition.EvaluateCondition(scope);
}
