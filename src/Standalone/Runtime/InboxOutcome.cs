namespace Serverless.Standalone.Runtime;

/// <summary>What became of an in-process item whose caller waits for it (an API call).</summary>
internal enum InboxOutcome
{
    /// <summary>Applied and saved.</summary>
    Saved,
    /// <summary>A checked item: the instance does not exist.</summary>
    NotFound,
    /// <summary>A checked item: the instance is final.</summary>
    Final,
    /// <summary>A checked item: the instance holds as many queued events as it keeps.</summary>
    QueueFull,
    /// <summary>
    /// Not applied here: the partition moved to another host, or the instance's unsaved progress was thrown away under
    /// it. The caller delivers it another way (through the control queue).
    /// </summary>
    NotApplied,
}
