namespace Serverless.Engine.Decisions;

/// <summary>What a timer is for.</summary>
public enum TimerPurpose
{
    /// <summary>The delay before a retry.</summary>
    Retry,
    /// <summary>A wait node.</summary>
    Wait,
    /// <summary>An event node's timeout.</summary>
    EventTimeout,
    /// <summary>An http/activity attempt's timeout.</summary>
    AttemptTimeout,
    /// <summary>The instance timeout.</summary>
    InstanceTimeout,
}
