using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Serverless.Engine;
using Serverless.Engine.Definitions;
using Serverless.Engine.Execution;

namespace Serverless.Testing;

/// <summary>
/// Deterministic activities for tests and benchmarks, the same on every host: <c>echo</c> (returns its input),
/// <c>double</c> (a number times two), <c>flaky</c> (<c>{failures, value}</c>: fails the first <c>failures</c> attempts
/// with a <c>Timeout</c>), <c>throttled</c> (<c>{retryAfterMs, value}</c>: the first attempt fails with
/// <c>HttpError</c> 429 and a Retry-After), <c>fail</c> (<c>{type, message}</c>), <c>fail-first-epoch</c> (fails until
/// the instance is rerun, then echoes), <c>big</c> (<c>{size}</c>: a string of that many characters). Counts attempts
/// per node path of each instance.
/// </summary>
internal sealed class ScriptedActivities : INodeExecutor
{
    /// <summary>Attempts per <c>{instanceId}:{path}</c>.</summary>
    public ConcurrentDictionary<string, int> Attempts { get; } = new(StringComparer.Ordinal);

    /// <summary>Where <c>http</c> nodes run (the real executor, for tests that call a loopback server); none when null.</summary>
    public INodeExecutor? Http { get; init; }

    /// <summary>Runs one attempt.</summary>
    public Task<NodeOutcome> ExecuteAsync(NodeWork work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        return work.Node switch
        {
            HttpNode when Http is not null => Http.ExecuteAsync(work, cancellationToken),
            ActivityNode activity => Task.FromResult(Run(activity.Activity, work.Command.Key, work.Command.Input)),
            _ => Task.FromResult(NodeOutcome.Failure(new WorkflowError(ErrorTypes.ActivityError, $"no executor for node '{work.Node.Id}'"))),
        };
    }

    /// <summary>The outcome of one attempt of <paramref name="activity"/> with the decider's key <c>{instance}:{path}:{epoch}:{attempt}</c>.</summary>
    public NodeOutcome Run(string activity, string key, JsonElement input)
    {
        ArgumentNullException.ThrowIfNull(key);
        var parts = key.Split(':');
        var attempt = int.Parse(parts[^1], CultureInfo.InvariantCulture);
        var epoch = int.Parse(parts[^2], CultureInfo.InvariantCulture);
        Attempts.AddOrUpdate(string.Join(':', parts[..^2]), 1, (_, n) => n + 1);
        switch (activity)
        {
            case "echo":
                return NodeOutcome.Success(input);
            case "double":
                return NodeOutcome.Success(JsonSerializer.SerializeToElement(input.GetInt32() * 2));
            case "flaky":
                return attempt <= input.GetProperty("failures").GetInt32()
                    ? NodeOutcome.Failure(new WorkflowError(ErrorTypes.Timeout, $"attempt {attempt} timed out"))
                    : NodeOutcome.Success(input.GetProperty("value"));
            case "throttled":
                return attempt == 1
                    ? NodeOutcome.Failure(
                        new WorkflowError(ErrorTypes.HttpError, "429 Too Many Requests", JsonSerializer.SerializeToElement(new { status = 429 })),
                        TimeSpan.FromMilliseconds(input.GetProperty("retryAfterMs").GetInt32()))
                    : NodeOutcome.Success(input.GetProperty("value"));
            case "fail":
                return NodeOutcome.Failure(new WorkflowError(input.GetProperty("type").GetString()!, input.GetProperty("message").GetString()!));
            case "fail-first-epoch":
                return epoch == 0
                    ? NodeOutcome.Failure(new WorkflowError("Boom", "fails until the instance is rerun"))
                    : NodeOutcome.Success(input);
            case "big":
                return NodeOutcome.Success(JsonSerializer.SerializeToElement(new string('x', input.GetProperty("size").GetInt32())));
            default:
                return NodeOutcome.Failure(new WorkflowError(ErrorTypes.ActivityError, $"no activity {activity}"));
        }
    }
}
