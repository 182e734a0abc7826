using System.Text.Json;

namespace Serverless.Engine.Execution;

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
