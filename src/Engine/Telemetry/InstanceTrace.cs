using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Serverless.Engine.Telemetry;

/// <summary>
/// The trace an instance belongs to, stored with it from the start request on: every span of the instance is in
/// <see cref="TraceId"/>, whichever host, restart or replay emits it.
/// </summary>
/// <remarks>
/// The run span's id is not stored: it is derived from the trace id, the instance id and the rerun epoch
/// (<see cref="RunSpanId"/>), so node attempts can name it as their parent before it is emitted, a replaying
/// orchestration derives the same one for a child, and each rerun gets a run span of its own.
/// </remarks>
/// <param name="TraceId">The W3C trace id (32 lower-case hex digits).</param>
/// <param name="ParentSpanId">The run span's parent: the start request's span, or the parent instance's run span; null for a root run.</param>
/// <param name="Sampled">The W3C sampled flag of the start request's context.</param>
/// <param name="TraceState">The W3C <c>tracestate</c> of the start request's context, if any.</param>
public sealed record InstanceTrace(string TraceId, string? ParentSpanId, bool Sampled, string? TraceState = null)
{
    /// <summary>Whether the instance's spans carry its payloads (<see cref="TraceOptions.RecordPayloads"/> when it started).</summary>
    public bool RecordPayloads { get; init; }

    /// <summary>The trace of an instance started under <paramref name="parent"/> (a fresh sampled trace when it is default).</summary>
    public static InstanceTrace Under(ActivityContext parent) => parent == default
        ? new InstanceTrace(ActivityTraceId.CreateRandom().ToHexString(), null, true)
        : new InstanceTrace(
            parent.TraceId.ToHexString(),
            parent.SpanId.ToHexString(),
            (parent.TraceFlags & ActivityTraceFlags.Recorded) != 0,
            string.IsNullOrEmpty(parent.TraceState) ? null : parent.TraceState);

    /// <summary>The trace of a child instance started by the run <paramref name="parentInstanceId"/> is in (its epoch <paramref name="parentEpoch"/>).</summary>
    public InstanceTrace ForChild(string parentInstanceId, int parentEpoch) => this with { ParentSpanId = RunSpanId(parentInstanceId, parentEpoch).ToHexString() };

    /// <summary>The id of the run span of <paramref name="instanceId"/> in rerun epoch <paramref name="epoch"/>.</summary>
    public ActivitySpanId RunSpanId(string instanceId, int epoch)
    {
        ArgumentNullException.ThrowIfNull(instanceId);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{TraceId}/{instanceId}/{epoch}")), hash);

        // An all-zero span id is invalid in W3C; one bit keeps it out of reach.
        hash[7] |= 1;
        return ActivitySpanId.CreateFromBytes(hash[..8]);
    }

    /// <summary>The context of the run span: the parent of the run's node attempts, timers, waits and events.</summary>
    public ActivityContext RunContext(string instanceId, int epoch)
        => new(ActivityTraceId.CreateFromString(TraceId), RunSpanId(instanceId, epoch), Flags, TraceState);

    /// <summary>The context of the run span's parent (default for a root run).</summary>
    public ActivityContext ParentContext => ParentSpanId is null
        ? default
        : new ActivityContext(ActivityTraceId.CreateFromString(TraceId), ActivitySpanId.CreateFromString(ParentSpanId), Flags, TraceState, isRemote: true);

    private ActivityTraceFlags Flags => Sampled ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None;
}
