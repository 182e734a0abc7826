using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Engine;
using Serverless.Engine.Execution;

namespace Serverless.Testing;

/// <summary>
/// Activities registered with the real executors (<see cref="LoopbackNodeExecutor"/>), so their attempts run through the
/// engine's node executor and its spans: <c>echo</c> (returns its input) and <c>flaky</c> (<c>{failures, value}</c>: the
/// first <c>failures</c> attempts fail with <c>Timeout</c>). Each records the <see cref="ActivityContext"/> it was given.
/// </summary>
internal static class TracedActivities
{
    /// <summary>The context of every attempt, by idempotency key.</summary>
    public static ConcurrentDictionary<string, ActivityContext> Contexts { get; } = new(StringComparer.Ordinal);

    /// <summary>Registers <c>echo</c> and <c>flaky</c>.</summary>
    public static IServiceCollection AddTracedActivities(this IServiceCollection services)
        => services.AddWorkflowActivity<Echo>("echo").AddWorkflowActivity<Flaky>("flaky");

    private sealed class Echo : IWorkflowActivity<JsonElement, JsonElement>
    {
        public Task<JsonElement> RunAsync(JsonElement input, ActivityContext context, CancellationToken cancellationToken)
        {
            Contexts[context.IdempotencyKey] = context;
            return Task.FromResult(input);
        }
    }

    private sealed class Flaky : IWorkflowActivity<JsonElement, JsonElement>
    {
        public Task<JsonElement> RunAsync(JsonElement input, ActivityContext context, CancellationToken cancellationToken)
        {
            Contexts[context.IdempotencyKey] = context;
            var failures = input.TryGetProperty("failures", out var f) ? f.GetInt32() : 0;
            if (context.Attempt <= failures)
            {
                throw new ActivityFailedException(ErrorTypes.Timeout, $"attempt {context.Attempt} of {failures} planned failures");
            }

            return Task.FromResult(input.TryGetProperty("value", out var value) ? value.Clone() : JsonSerializer.SerializeToElement<object?>(null));
        }
    }
}
