using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Serverless.Engine;
using Serverless.Engine.Definitions;
using Serverless.Engine.Execution;

namespace Serverless.Standalone.Tests.Infrastructure;

/// <summary>
/// Activities for in-process hosts: <c>echo</c> (returns its input), <c>flaky</c> (<c>{failures, value}</c>: fails the
/// first <c>failures</c> attempts), <c>fail-first-epoch</c> (fails before any rerun, then echoes), <c>big</c>
/// (<c>{size}</c>: a string of that many characters), <c>slow</c> (<c>{ms, value}</c>). Counts calls per key.
/// </summary>
internal sealed class TestActivities : INodeExecutor
{
    public ConcurrentDictionary<string, int> Calls { get; } = new(StringComparer.Ordinal);

    public async Task<NodeOutcome> ExecuteAsync(NodeWork work, CancellationToken cancellationToken)
    {
        var key = work.Command.Key;
        Calls.AddOrUpdate(key, 1, (_, n) => n + 1);
        var parts = key.Split(':');
        var attempt = int.Parse(parts[^1], CultureInfo.InvariantCulture);
        var epoch = int.Parse(parts[^2], CultureInfo.InvariantCulture);
        var input = work.Command.Input;
        var activity = ((ActivityNode)work.Node).Activity;
        switch (activity)
        {
            case "echo":
                return NodeOutcome.Success(input);
            case "flaky":
                return attempt <= input.GetProperty("failures").GetInt32()
                    ? NodeOutcome.Failure(new WorkflowError(ErrorTypes.ActivityError, $"flaky attempt {attempt}"))
                    : NodeOutcome.Success(input.GetProperty("value"));
            case "fail-first-epoch":
                return epoch == 0
                    ? NodeOutcome.Failure(new WorkflowError("Boom", "fails before a rerun"))
                    : NodeOutcome.Success(input);
            case "big":
                return NodeOutcome.Success(JsonSerializer.SerializeToElement(new string('x', input.GetProperty("size").GetInt32())));
            case "slow":
                await Task.Delay(input.GetProperty("ms").GetInt32(), cancellationToken);
                return NodeOutcome.Success(input.GetProperty("value"));
            default:
                return NodeOutcome.Failure(new WorkflowError(ErrorTypes.ActivityError, $"no activity {activity}"));
        }
    }
}
