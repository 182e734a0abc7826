using System.Globalization;
using System.Text;
using System.Text.Json;
using Serverless.Engine.Decisions;
using Serverless.Engine.Definitions;

namespace Serverless.Engine.Bench;

/// <summary>The workflows measured, and a driver that feeds the decider the events a host would.</summary>
internal static class Workloads
{
    public static readonly JsonElement Input = JsonDocument.Parse("""{"orderId":"o-1","amount":42}""").RootElement.Clone();

    /// <summary>n activity nodes in a chain; each input is one template reading the previous node's output.</summary>
    public static WorkflowPlan Linear(int n)
    {
        var json = new StringBuilder("""{"name":"linear","nodes":{""");
        for (var i = 0; i < n; i++)
        {
            if (i > 0)
            {
                json.Append(',');
            }

            var input = i == 0 ? "${{ input.orderId }}" : "${{ nodes.n" + (i - 1).ToString(CultureInfo.InvariantCulture) + ".output }}";
            var runAfter = i == 0 ? "" : ",\"runAfter\":[\"n" + (i - 1).ToString(CultureInfo.InvariantCulture) + "\"]";
            json.Append("\"n").Append(i).Append("\":{\"type\":\"activity\",\"activity\":\"echo\",\"input\":\"").Append(input).Append('"').Append(runAfter).Append('}');
        }

        json.Append("}}");
        return Compile(json.ToString());
    }

    /// <summary>A foreach over <c>input.items</c> whose body is one activity node with a templated input.</summary>
    /// <summary>An input with <c>items</c>: the numbers 0 to count - 1.</summary>
    public static JsonElement ItemsInput(int count)
        => JsonDocument.Parse("{\"items\":[" + string.Join(",", Enumerable.Range(0, count)) + "]}").RootElement.Clone();

    public static WorkflowPlan Foreach(int maxConcurrency) => Compile("""
        {"name":"fanout","nodes":{
          "each":{"type":"foreach","items":"${{ input.items }}","maxConcurrency":LIMIT,
            "body":{"nodes":{"work":{"type":"activity","activity":"echo","input":"${{ item }}"}}}}}}
        """.Replace("LIMIT", maxConcurrency.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));

    public static WorkflowPlan Compile(string json)
    {
        var result = DefinitionParser.Parse(json);
        if (!result.IsValid)
        {
            throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => $"{e.Path}: {e.Message}")));
        }

        return WorkflowPlan.Compile(result.Definition!, 1);
    }

    /// <summary>
    /// Runs an instance to completion as a host would: every RunNode answered at once with its input as output.
    /// Returns the final state and the number of decisions made.
    /// </summary>
    public static (InstanceState State, int Decisions) RunToCompletion(WorkflowPlan plan, JsonElement? input = null)
    {
        var now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var state = Decider.Create(plan, "bench-1", input ?? Input, now);
        var pending = new Queue<WorkflowEvent>();
        pending.Enqueue(new InstanceStarted("e0"));
        var decisions = 0;
        var sequence = 0;
        while (pending.TryDequeue(out var @event))
        {
            var decision = Decider.Decide(plan, state, @event, now);
            decisions++;
            state = decision.State;
            foreach (var command in decision.Commands)
            {
                if (command is RunNode run)
                {
                    pending.Enqueue(new NodeSucceeded("e" + (++sequence).ToString(CultureInfo.InvariantCulture), run.Key, run.Input));
                }
            }
        }

        if (state.Status != InstanceStatus.Completed)
        {
            throw new InvalidOperationException($"The workload ended {state.Status}: {state.Error}");
        }

        return (state, decisions);
    }
}
