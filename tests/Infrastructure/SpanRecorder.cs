using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Serverless.Engine.Telemetry;

namespace Serverless.Testing;

/// <summary>
/// The workflow spans this process emits, through OpenTelemetry's in-memory exporter (each span as it ends). The source
/// is process-wide: tests pick their spans by trace id or instance id.
/// </summary>
internal sealed class SpanRecorder : IDisposable
{
    private readonly LockedList _spans = new();
    private readonly TracerProvider _provider;

    public SpanRecorder(params string[] extraSources)
    {
        _provider = Sdk.CreateTracerProviderBuilder()
            .AddSource([WorkflowTelemetry.Name, .. extraSources])
            .SetSampler(new AlwaysOnSampler())
            .AddInMemoryExporter(_spans)
            .Build()!;
    }

    /// <summary>A copy of every span exported so far.</summary>
    public IReadOnlyList<Activity> Spans
    {
        get => _spans.Snapshot();
    }

    /// <summary>The spans of one trace.</summary>
    public IReadOnlyList<Activity> InTrace(ActivityTraceId traceId) => [.. Spans.Where(s => s.TraceId == traceId)];

    /// <summary>The spans that carry <c>workflow.instance.id</c> = <paramref name="instanceId"/>.</summary>
    public IReadOnlyList<Activity> OfInstance(string instanceId)
        => [.. Spans.Where(s => s.GetTagItem(TraceAttributes.InstanceId) as string == instanceId)];

    /// <summary>Polls (every 20 ms, bounded by the token) until <paramref name="done"/> holds for the spans.</summary>
    public async Task<IReadOnlyList<Activity>> WaitForAsync(Func<IReadOnlyList<Activity>, bool> done, CancellationToken cancellationToken)
    {
        while (true)
        {
            var spans = Spans;
            if (done(spans))
            {
                return spans;
            }

            await Task.Delay(20, cancellationToken);
        }
    }

    public void Dispose() => _provider.Dispose();

    /// <summary>The exporter adds from its own thread while tests read.</summary>
    private sealed class LockedList : System.Collections.ObjectModel.Collection<Activity>
    {
        public Activity[] Snapshot()
        {
            lock (Items)
            {
                return [.. Items];
            }
        }

        protected override void InsertItem(int index, Activity item)
        {
            lock (Items)
            {
                base.InsertItem(index, item);
            }
        }
    }
}
