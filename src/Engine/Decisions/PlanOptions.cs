using System.Collections.Frozen;
using System.Collections.Immutable;
using Serverless.Engine.Definitions;

namespace Serverless.Engine.Decisions;

/// <summary>Limits a host applies to every instance; part of the plan so the decider stays a pure function.</summary>
public sealed record PlanOptions
{
    /// <summary>Largest stored value (node output, event payload, instance output) in UTF-8 bytes. <value>Default 256 KiB.</value></summary>
    public int MaxValueBytes { get; init; } = 256 * 1024;

    /// <summary>What <c>maxConcurrency: 0</c> means: the host's maximum. <value>Default 100 (at least 100).</value></summary>
    public int HostMaxConcurrency { get; init; } = 100;

    /// <summary>Raised events queued per instance before more are refused. <value>Default 1,000.</value></summary>
    public int MaxQueuedEvents { get; init; } = 1000;

    /// <summary>Most items a foreach accepts. <value>Default 10,000 (the format's limit).</value></summary>
    public int MaxForeachItems { get; init; } = 10_000;

    /// <summary>The defaults.</summary>
    public static PlanOptions Default { get; } = new();

    /// <summary>Throws when a value is out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxValueBytes, 1024);
        ArgumentOutOfRangeException.ThrowIfLessThan(HostMaxConcurrency, 100);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxQueuedEvents, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxForeachItems, 1);
    }
}
