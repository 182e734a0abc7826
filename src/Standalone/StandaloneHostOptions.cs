using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Serverless.Engine.Decisions;

namespace Serverless.Standalone;

/// <summary>Options of the standalone host (configuration section <c>Host</c>).</summary>
public sealed class StandaloneHostOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Host";

    private const string MaxTimeSpan = "10675199.02:48:05.4775807";

    /// <summary>Storage settings.</summary>
    [ValidateObjectMembers]
    public StorageOptions Storage { get; set; } = new();

    /// <summary>
    /// Partitions (control queues and leases) of the task hub; each instance belongs to one by a stable hash of its id.
    /// All host processes sharing a task hub must use the same value. From 1 to 64.
    /// </summary>
    /// <value>Defaults to 4.</value>
    [Range(1, 64)]
    public int Partitions { get; set; } = 4;

    /// <summary>How long a partition lease lasts without renewal: 15 to 60 s (the blob lease limits).</summary>
    /// <value>Defaults to 15 s.</value>
    [Range(typeof(TimeSpan), "00:00:15", "00:01:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often leases are renewed and balanced: positive and less than half of <see cref="LeaseDuration"/>.</summary>
    /// <value>Defaults to 4 s.</value>
    public TimeSpan LeaseRenewInterval { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>Longest pause between two polls of an empty control queue; positive.</summary>
    /// <value>Defaults to 100 ms.</value>
    [Range(typeof(TimeSpan), "00:00:00", MaxTimeSpan, MinimumIsExclusive = true)]
    public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Timers due within this window wait in the owning process's memory instead of as delayed queue messages (the state
    /// row lists every outstanding timer, and the next owner of the partition re-arms them). From 0 to 1 day.
    /// </summary>
    /// <value>Defaults to 60 s.</value>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan InMemoryTimerWindow { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Deliveries after which a control message is poison: its instance fails and it moves to the poison queue. At least 1.</summary>
    /// <value>Defaults to 5.</value>
    [Range(1, int.MaxValue)]
    public int MaxDequeueCount { get; set; } = 5;

    /// <summary>How long a received control message stays invisible while it is processed.</summary>
    /// <value>Defaults to 60 s.</value>
    public TimeSpan MessageVisibilityTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Node work (http and activity attempts) running at once in this process. At least 1.</summary>
    /// <value>Defaults to 200.</value>
    [Range(1, int.MaxValue)]
    public int MaxConcurrentNodeWork { get; set; } = 200;

    /// <summary>What a foreach's <c>maxConcurrency: 0</c> means: bodies running at once per foreach (at least 100).</summary>
    /// <value>Defaults to 100.</value>
    [Range(100, int.MaxValue)]
    public int MaxForeachConcurrency { get; set; } = 100;

    /// <summary>Raised events an instance keeps queued (no node waiting for them yet); one more is answered 429. At least 1.</summary>
    /// <value>Defaults to 1,000.</value>
    [Range(1, int.MaxValue)]
    public int MaxQueuedEvents { get; set; } = 1000;

    /// <summary>Largest instance input, event payload and node output, in bytes; a larger request is answered 413, a larger output fails its node with OutputTooLarge. At least 1,024.</summary>
    /// <value>Defaults to 256 KiB.</value>
    [Range(1024, int.MaxValue)]
    public int MaxPayloadBytes { get; set; } = PlanOptions.DefaultMaxValueBytes;

    /// <summary>
    /// Largest request target (path and query, as sent) in bytes; a longer one is answered 414 with an error body. Kestrel
    /// itself refuses request lines over twice this, with an empty 414. From 1 KiB to 64 KiB.
    /// </summary>
    /// <value>Defaults to 8 KiB.</value>
    [Range(1024, 64 * 1024)]
    public int MaxRequestTargetBytes { get; set; } = 8 * 1024;

    /// <summary>
    /// Largest total size of a request's headers in bytes (each counted as <c>name: value</c> and a line break); larger
    /// headers, or more than 100 of them, are answered 431 with an error body. Kestrel itself refuses headers over twice
    /// this (or over 200 of them), with an empty 431. From 1 KiB to 256 KiB.
    /// </summary>
    /// <value>Defaults to 32 KiB.</value>
    [Range(1024, 256 * 1024)]
    public int MaxRequestHeadersBytes { get; set; } = 32 * 1024;

    /// <summary>Messages and event payloads larger than this go to blob storage with a reference. From 1 KiB to 48 KiB (a queue message holds 64 KiB).</summary>
    /// <value>Defaults to 48 KiB.</value>
    [Range(1024, 48 * 1024)]
    public int LargeMessageThreshold { get; set; } = 48 * 1024;

    /// <summary>States larger than this go to blob storage; smaller ones live in the state row. From 0 to 800 KiB (a table entity holds 1 MiB).</summary>
    /// <value>Defaults to 768 KiB.</value>
    [Range(0, 800 * 1024)]
    public int InlineStateLimit { get; set; } = 768 * 1024;

    /// <summary>Time in flight work gets to finish on shutdown before leases are released anyway.</summary>
    /// <value>Defaults to 20 s.</value>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Instances kept in memory after their last event before the cache lets them go.</summary>
    /// <value>Defaults to 2 min.</value>
    public TimeSpan IdleInstanceTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Seconds a client should wait before polling status again (<c>Retry-After</c>). At least 0.</summary>
    /// <value>Defaults to 1.</value>
    [Range(0, int.MaxValue)]
    public int StatusRetryAfterSeconds { get; set; } = 1;

    /// <summary>When set, every route requires it as the <c>code</c> query parameter or the <c>x-functions-key</c> header.</summary>
    /// <value>Defaults to none.</value>
    public string? ApiKey { get; set; }

    /// <inheritdoc/>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (LeaseRenewInterval <= TimeSpan.Zero || LeaseRenewInterval * 2 >= LeaseDuration)
        {
            yield return new ValidationResult(
                "Host:LeaseRenewInterval must be positive and less than half of LeaseDuration.", [nameof(LeaseRenewInterval)]);
        }
    }
}
