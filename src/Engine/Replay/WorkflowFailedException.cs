namespace Serverless.Engine.Replay;

/// <summary>
/// Thrown by an orchestration to fail its instance. The message is the error's <c>type: message</c>, which is the
/// failure text Durable Functions reports as the instance's output.
/// </summary>
internal sealed class WorkflowFailedException : Exception
{
    /// <summary>Creates the exception for <paramref name="error"/>.</summary>
    public WorkflowFailedException(WorkflowError error)
        : base((error ?? throw new ArgumentNullException(nameof(error))).ToString()) => Error = error;

    /// <summary>Creates an exception with an ActivityError (for serializers and tooling).</summary>
    public WorkflowFailedException()
        : this(new WorkflowError(ErrorTypes.ActivityError, "The workflow failed."))
    {
    }

    /// <summary>Creates an exception whose message is parsed as <c>type: message</c>.</summary>
    public WorkflowFailedException(string message)
        : this(FailureText.Parse(message))
    {
    }

    /// <summary>Creates an exception whose message is parsed as <c>type: message</c>.</summary>
    public WorkflowFailedException(string message, Exception innerException)
        : base(message, innerException) => Error = FailureText.Parse(message);

    /// <summary>The error that failed the instance.</summary>
    public WorkflowError Error { get; }
}
