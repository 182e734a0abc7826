using System.Text.RegularExpressions;

namespace Serverless.Standalone;

/// <summary>Options of the standalone host (configuration section <c>Host</c>).</summary>
public sealed partial class StandaloneHostOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Host";

    /// <summary>Storage settings.</summary>
    public StorageOptions Storage { get; set; } = new();

    /// <summary>
    /// Partitions (control queues and leases) of the task hub; each instance belongs to one by a stable hash of its id.
    /// All host processes sharing a task hub must use the same value. <value>Default 4.</value>
    /// </summary>
    public int Partitions { get; set; } = 4;

    /// <summary>How long a partition lease lasts without renewal (15 to 60 s). <value>Default 15 s.</value></summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often leases are renewed and balanced. <value>Default 4 s.</value></summary>
    public TimeSpan LeaseRenewInterval { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>Longest pause between two polls of an empty control queue. <value>Default 100 ms.</value></summary>
    public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Timers due within this window wait in the owning process's memory instead of as delayed queue messages (the state
    /// row lists every outstanding timer, and the next owner of the partition re-arms them). <value>Default 60 s.</value>
    /// </summary>
    public TimeSpan InMemoryTimerWindow { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Deliveries after which a control message is poison: its instance fails and it moves to the poison queue. <value>Default 5.</value></summary>
    public int MaxDequeueCount { get; set; } = 5;

    /// <summary>How long a received control message stays invisible while it is processed. <value>Default 60 s.</value></summary>
    public TimeSpan MessageVisibilityTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Node work (http and activity attempts) running at once in this process. <value>Default 200.</value></summary>
    public int MaxConcurrentNodeWork { get; set; } = 200;

    /// <summary>What a foreach's <c>maxConcurrency: 0</c> means: bodies running at once per foreach (at least 100). <value>Default 100.</value></summary>
    public int MaxForeachConcurrency { get; set; } = 100;

    /// <summary>Raised events an instance keeps queued (no node waiting for them yet); one more is answered 429. <value>Default 1,000.</value></summary>
    public int MaxQueuedEvents { get; set; } = 1000;

    /// <summary>Largest instance input, event payload and node output, in bytes; a larger request is answered 413, a larger output fails its node with OutputTooLarge. <value>Default 256 KiB.</value></summary>
    public int MaxPayloadBytes { get; set; } = 256 * 1024;

    /// <summary>
    /// Largest request target (path and query, as sent) in bytes; a longer one is answered 414 with an error body. Kestrel
    /// itself refuses request lines over twice this, with an empty 414. <value>Default 8 KiB.</value>
    /// </summary>
    public int MaxRequestTargetBytes { get; set; } = 8 * 1024;

    /// <summary>
    /// Largest total size of a request's headers in bytes (each counted as <c>name: value</c> and a line break); larger
    /// headers, or more than 100 of them, are answered 431 with an error body. Kestrel itself refuses headers over twice
    /// this (or over 200 of them), with an empty 431. <value>Default 32 KiB.</value>
    /// </summary>
    public int MaxRequestHeadersBytes { get; set; } = 32 * 1024;

    /// <summary>Messages and event payloads larger than this go to blob storage with a reference. <value>Default 48 KiB.</value></summary>
    public int LargeMessageThreshold { get; set; } = 48 * 1024;

    /// <summary>States larger than this go to blob storage; smaller ones live in the state row. <value>Default 768 KiB.</value></summary>
    public int InlineStateLimit { get; set; } = 768 * 1024;

    /// <summary>Time in flight work gets to finish on shutdown before leases are released anyway. <value>Default 20 s.</value></summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Instances kept in memory after their last event before the cache lets them go. <value>Default 2 min.</value></summary>
    public TimeSpan IdleInstanceTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Seconds a client should wait before polling status again (<c>Retry-After</c>). <value>Default 1; at least 0.</value></summary>
    public int StatusRetryAfterSeconds { get; set; } = 1;

    /// <summary>When set, every route requires it as the <c>code</c> query parameter or the <c>x-functions-key</c> header. <value>Default none.</value></summary>
    public string? ApiKey { get; set; }

    /// <summary>Checks the options; returns every problem.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Storage.ConnectionString))
        {
            problems.Add("Host:Storage:ConnectionString is required.");
        }

        if (Storage.TaskHub is null || !TaskHubName().IsMatch(Storage.TaskHub))
        {
            problems.Add("Host:Storage:TaskHub must be 3 to 40 characters: a lower-case letter, then lower-case letters and digits.");
        }

        if (Partitions is < 1 or > 64)
        {
            problems.Add("Host:Partitions must be from 1 to 64.");
        }

        if (LeaseDuration < TimeSpan.FromSeconds(15) || LeaseDuration > TimeSpan.FromSeconds(60))
        {
            problems.Add("Host:LeaseDuration must be from 15 to 60 seconds (blob lease limits).");
        }

        if (LeaseRenewInterval <= TimeSpan.Zero || LeaseRenewInterval * 2 >= LeaseDuration)
        {
            problems.Add("Host:LeaseRenewInterval must be positive and less than half of LeaseDuration.");
        }

        if (MaxPollInterval <= TimeSpan.Zero)
        {
            problems.Add("Host:MaxPollInterval must be positive.");
        }

        if (InMemoryTimerWindow < TimeSpan.Zero || InMemoryTimerWindow > TimeSpan.FromDays(1))
        {
            problems.Add("Host:InMemoryTimerWindow must be from 0 to 1 day.");
        }

        if (MaxDequeueCount < 1)
        {
            problems.Add("Host:MaxDequeueCount must be at least 1.");
        }

        if (MaxConcurrentNodeWork < 1)
        {
            problems.Add("Host:MaxConcurrentNodeWork must be at least 1.");
        }

        if (MaxQueuedEvents < 1)
        {
            problems.Add("Host:MaxQueuedEvents must be at least 1.");
        }

        if (MaxForeachConcurrency < 100)
        {
            problems.Add("Host:MaxForeachConcurrency must be at least 100.");
        }

        if (MaxPayloadBytes < 1024)
        {
            problems.Add("Host:MaxPayloadBytes must be at least 1024.");
        }

        if (MaxRequestTargetBytes is < 1024 or > 64 * 1024)
        {
            problems.Add("Host:MaxRequestTargetBytes must be from 1 KiB to 64 KiB.");
        }

        if (MaxRequestHeadersBytes is < 1024 or > 256 * 1024)
        {
            problems.Add("Host:MaxRequestHeadersBytes must be from 1 KiB to 256 KiB.");
        }

        if (LargeMessageThreshold is < 1024 or > 48 * 1024)
        {
            problems.Add("Host:LargeMessageThreshold must be from 1 KiB to 48 KiB (queue messages hold 64 KiB).");
        }

        if (InlineStateLimit is < 0 or > 800 * 1024)
        {
            problems.Add("Host:InlineStateLimit must be from 0 to 800 KiB (a table entity holds 1 MiB).");
        }

        if (StatusRetryAfterSeconds < 0)
        {
            problems.Add("Host:StatusRetryAfterSeconds must be at least 0.");
        }

        return problems;
    }

    [GeneratedRegex("^[a-z][a-z0-9]{2,39}$", RegexOptions.CultureInvariant)]
    private static partial Regex TaskHubName();
}
