using Serverless.Engine.Decisions;

namespace Serverless.HttpApi;

/// <summary>Limits of the shared HTTP handlers; each host fills them from its own settings.</summary>
public sealed record WorkflowApiOptions
{
    private readonly int _maxPayloadBytes = PlanOptions.DefaultMaxValueBytes;
    private readonly int _statusRetryAfterSeconds = 1;

    /// <summary>
    /// Largest instance input in bytes: a larger body answers 413 unread.
    /// <value>Default 256 KiB; at least 1024.</value>
    /// </summary>
    public int MaxPayloadBytes
    {
        get => _maxPayloadBytes;
        init => _maxPayloadBytes = value >= 1024
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxPayloadBytes), value, "MaxPayloadBytes must be at least 1024.");
    }

    /// <summary>
    /// Seconds a client should wait before polling a status again: the <c>Retry-After</c> of a 202 status answer.
    /// <value>Default 1; at least 0.</value>
    /// </summary>
    public int StatusRetryAfterSeconds
    {
        get => _statusRetryAfterSeconds;
        init => _statusRetryAfterSeconds = value >= 0
            ? value
            : throw new ArgumentOutOfRangeException(nameof(StatusRetryAfterSeconds), value, "StatusRetryAfterSeconds must be at least 0.");
    }
}
