using System.Diagnostics.Metrics;
using Serverless.Engine.Telemetry;

namespace Serverless.Testing;

/// <summary>
/// Every measurement of the workflow meter (<see cref="WorkflowTelemetry.Name"/>) recorded while this exists, with its
/// instrument, value and tags. The meter is process-wide: tests pick their measurements by the workflow tag.
/// </summary>
internal sealed class WorkflowMeasurements : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<Measurement> _recorded = [];

    public WorkflowMeasurements()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == WorkflowTelemetry.Name)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>The measurements tagged with <c>workflow.name</c> = <paramref name="workflow"/>, in the order recorded.</summary>
    public IReadOnlyList<Measurement> Of(string workflow)
    {
        lock (_recorded)
        {
            return [.. _recorded.Where(m => m.Tag(TraceAttributes.Workflow) == workflow)];
        }
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var measurement = new Measurement(instrument.Name, value, tags.ToArray());
        lock (_recorded)
        {
            _recorded.Add(measurement);
        }
    }

    /// <summary>One measurement: the instrument's name, the value and the tags.</summary>
    public sealed record Measurement(string Instrument, double Value, IReadOnlyList<KeyValuePair<string, object?>> Tags)
    {
        /// <summary>The tag's value as a string, or null when the measurement has no such tag.</summary>
        public string? Tag(string key) => Tags.FirstOrDefault(t => t.Key == key).Value as string;
    }
}
