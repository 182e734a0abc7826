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

/// <summary>Reads the <c>type: message</c> failure text Durable Functions reports for a failed instance.</summary>
internal static class FailureText
{
    /// <summary>
    /// Parses <paramref name="text"/> as <c>type: message</c>; text without a type prefix becomes an
    /// <see cref="ErrorTypes.ActivityError"/> carrying the whole text.
    /// </summary>
    public static WorkflowError Parse(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return new WorkflowError(ErrorTypes.ActivityError, "The failure carried no message.");
        }

        var colon = text.IndexOf(": ", StringComparison.Ordinal);
        if (colon > 0 && IsType(text.AsSpan(0, colon)))
        {
            return new WorkflowError(text[..colon], text[(colon + 2)..]);
        }

        return new WorkflowError(ErrorTypes.ActivityError, text);
    }

    // Error types are identifiers (ErrorTypes, or a user's type from a fail node): no spaces, at most 128 characters.
    private static bool IsType(ReadOnlySpan<char> candidate)
    {
        if (candidate.Length > 128)
        {
            return false;
        }

        foreach (var c in candidate)
        {
            if (char.IsWhiteSpace(c))
            {
                return false;
            }
        }

        return true;
    }
}
