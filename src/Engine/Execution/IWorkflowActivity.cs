namespace Serverless.Engine.Execution;

/// <summary>
/// A custom activity that <c>activity</c> nodes call by name. Register it with
/// <see cref="WorkflowExecutorServiceCollectionExtensions.AddWorkflowActivity{TActivity}"/>; it is resolved from
/// dependency injection (in a new scope) for every attempt.
/// </summary>
/// <typeparam name="TInput">The input, deserialized from the node's evaluated <c>input</c> (System.Text.Json, web defaults).</typeparam>
/// <typeparam name="TOutput">The output, serialized to JSON as the node's output.</typeparam>
/// <remarks>
/// WARNING: work is at-least-once. An attempt may run again after a crash or a timeout, so make side effects
/// idempotent with <see cref="ActivityContext.IdempotencyKey"/>.
/// </remarks>
public interface IWorkflowActivity<in TInput, TOutput>
{
    /// <summary>Runs one attempt. Throw to fail it (<see cref="ActivityFailedException"/> chooses the error type).</summary>
    Task<TOutput> RunAsync(TInput input, ActivityContext context, CancellationToken cancellationToken);
}
