namespace Serverless.Engine.Telemetry;

/// <summary>
/// What the workflow spans may carry beyond ids, names and results. Hosts bind it from the <c>Telemetry</c>
/// configuration section; it is read when an instance starts and kept with the instance's trace, so one instance's
/// spans follow one choice whichever host emits them.
/// </summary>
public sealed class TraceOptions
{
    /// <summary>The most characters of a payload an attribute carries; longer ones are cut and end with <c>…</c>.</summary>
    public const int MaxPayloadLength = 4096;

    /// <summary>
    /// Whether spans carry payloads: the run's input and output (<c>workflow.input</c>, <c>workflow.output</c> on the
    /// <c>run</c> span) and each attempt's evaluated input and output (on its span). Secret values never appear: an
    /// http node's input holds the definition's secret references, not their values, and its output is redacted.
    /// </summary>
    /// <value>Defaults to false: no inputs or outputs in spans.</value>
    public bool RecordPayloads { get; set; }
}
