using Serverless.Standalone.Storage;

namespace Serverless.Standalone.Runtime;

/// <summary>What a start-up priming run did: the throwaway instance's last record, and its spans and metrics.</summary>
/// <param name="Final">The instance's last record (Completed).</param>
/// <param name="Spans">The names of the spans that ended in the priming's own tracer provider.</param>
/// <param name="Metrics">The names of the metrics with data in the priming's own meter provider.</param>
internal sealed record PrimingRun(InstanceRecord Final, IReadOnlySet<string> Spans, IReadOnlySet<string> Metrics);
