namespace Serverless.Standalone.Runtime;

/// <summary>What became of a checked delivery.</summary>
internal enum DeliveryResult
{
    /// <summary>Applied and saved, or on the control queue.</summary>
    Delivered,
    /// <summary>The instance does not exist.</summary>
    NotFound,
    /// <summary>The instance is final.</summary>
    Final,
    /// <summary>The instance holds as many queued events as it keeps.</summary>
    QueueFull,
}
