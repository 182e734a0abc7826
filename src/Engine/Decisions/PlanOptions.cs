using System.ComponentModel.DataAnnotations;

namespace Serverless.Engine.Decisions;

/// <summary>Limits a host applies to every instance; part of the plan so the decider stays a pure function.</summary>
public sealed record PlanOptions
{
    /// <summary>
    /// The default size limit of a stored value, and so of every payload a host accepts (an instance's input, an
    /// event's data): 256 KiB. Both hosts' <c>MaxPayloadBytes</c> options and the HTTP API default to it.
    /// </summary>
    public const int DefaultMaxValueBytes = 256 * 1024;

    /// <summary>Largest stored value (node output, event payload, instance output) in UTF-8 bytes. At least 1,024.</summary>
    /// <value>Defaults to 256 KiB.</value>
    [Range(1024, int.MaxValue)]
    public int MaxValueBytes { get; init; } = DefaultMaxValueBytes;

    /// <summary>What <c>maxConcurrency: 0</c> means: the host's maximum. At least 100.</summary>
    /// <value>Defaults to 100.</value>
    [Range(100, int.MaxValue)]
    public int HostMaxConcurrency { get; init; } = 100;

    /// <summary>Raised events queued per instance before more are refused. At least 1.</summary>
    /// <value>Defaults to 1,000.</value>
    [Range(1, int.MaxValue)]
    public int MaxQueuedEvents { get; init; } = 1000;

    /// <summary>Most items a foreach accepts. At least 1.</summary>
    /// <value>Defaults to 10,000 (the format's limit).</value>
    [Range(1, int.MaxValue)]
    public int MaxForeachItems { get; init; } = 10_000;

    /// <summary>The defaults.</summary>
    public static PlanOptions Default { get; } = new();

    /// <summary>Throws <see cref="InvalidOperationException"/> naming every value out of range (the rules of <see cref="PlanOptionsValidator"/>).</summary>
    public void Validate() => new PlanOptionsValidator().ThrowIfInvalid(this);
}
