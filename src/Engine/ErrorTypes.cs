namespace Serverless.Engine;

/// <summary>The error types the engine itself produces.</summary>
public static class ErrorTypes
{
    /// <summary>An attempt, an event wait or the instance ran past its deadline.</summary>
    public const string Timeout = "Timeout";
    /// <summary>An HTTP response whose status is not in <c>successCodes</c>; details carry the status.</summary>
    public const string HttpError = "HttpError";
    /// <summary>The request never got a response (refused, reset, DNS failure, blocked address).</summary>
    public const string NetworkError = "NetworkError";
    /// <summary>The circuit breaker for a downstream host is open.</summary>
    public const string CircuitOpen = "CircuitOpen";
    /// <summary>A custom activity threw or is not registered.</summary>
    public const string ActivityError = "ActivityError";
    /// <summary>An expression threw or broke a sandbox limit.</summary>
    public const string ExpressionError = "ExpressionError";
    /// <summary>A definition, input or event is invalid.</summary>
    public const string ValidationError = "ValidationError";
    /// <summary>A value is over its size limit.</summary>
    public const string OutputTooLarge = "OutputTooLarge";
    /// <summary>A switch matched no case and has no default.</summary>
    public const string NoMatchingCase = "NoMatchingCase";
    /// <summary>A foreach had more failed items than it tolerates.</summary>
    public const string ItemsFailed = "ItemsFailed";
    /// <summary>A loop reached <c>maxIterations</c> without <c>until</c> being true.</summary>
    public const string LoopLimitExceeded = "LoopLimitExceeded";
    /// <summary>A workflow node names a workflow or version that is not registered.</summary>
    public const string WorkflowNotFound = "WorkflowNotFound";
    /// <summary>The instance was terminated.</summary>
    public const string Terminated = "Terminated";
    /// <summary>The host could not apply an event to the instance after repeated attempts (the standalone host).</summary>
    public const string HostError = "HostError";
    /// <summary>A queue message for the instance kept failing until its delivery count ran out (the standalone host).</summary>
    public const string PoisonMessage = "PoisonMessage";
}
