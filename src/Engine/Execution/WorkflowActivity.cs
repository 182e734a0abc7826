using System.Text.Json;

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

/// <summary>What an activity knows about the attempt it runs.</summary>
/// <param name="InstanceId">The workflow instance.</param>
/// <param name="NodeId">The node's id in the definition.</param>
/// <param name="Path">The node path, e.g. <c>invoice</c> or <c>each[3].invoice</c>.</param>
/// <param name="IdempotencyKey">Stable across redeliveries of the same attempt; differs per attempt and rerun.</param>
/// <param name="Attempt">The attempt number, from 1.</param>
public sealed record ActivityContext(string InstanceId, string NodeId, string Path, string IdempotencyKey, int Attempt);

/// <summary>Thrown by an activity to fail with an error type of its choosing (retriers match on it).</summary>
public sealed class ActivityFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="errorType">The error type, e.g. <c>OutOfStock</c>.</param>
    /// <param name="message">The error message.</param>
    /// <param name="details">Optional structured details.</param>
    public ActivityFailedException(string errorType, string message, JsonElement? details = null)
        : base(message)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(errorType);
        ErrorType = errorType;
        Details = details;
    }

    /// <summary>Creates the exception with type <c>ActivityError</c>.</summary>
    public ActivityFailedException() : this(ErrorTypes.ActivityError, "The activity failed.") { }

    /// <summary>Creates the exception with type <c>ActivityError</c>.</summary>
    public ActivityFailedException(string message) : this(ErrorTypes.ActivityError, message) { }

    /// <summary>Creates the exception with type <c>ActivityError</c>.</summary>
    public ActivityFailedException(string message, Exception innerException) : base(message, innerException)
    {
        ErrorType = ErrorTypes.ActivityError;
    }

    /// <summary>The error type the node fails with.</summary>
    public string ErrorType { get; }

    /// <summary>The error details, if any.</summary>
    public JsonElement? Details { get; }
}
