namespace Serverless.Standalone.Bench.Load;

/// <summary>What one measured scenario gave, before the runner adds storage requests, memory and CPU.</summary>
/// <param name="Instances">How many instances it ran.</param>
/// <param name="LatenciesMs">The latencies the scenario's target is about, in milliseconds (any order).</param>
/// <param name="Met">Whether the target was met.</param>
/// <param name="Complete">
/// Whether every correctness and completion check passed (for <c>flaky</c>: at least 99.9% completed); false makes the
/// exit code non-zero, a missed latency target does not.
/// </param>
/// <param name="Steps">Node steps the scenario ran (the denominator of storage requests per step).</param>
/// <param name="Detail">The scenario's own figures and checks, for its line.</param>
internal sealed record LoadResult(int Instances, IReadOnlyList<double> LatenciesMs, bool Met, bool Complete, int Steps, string Detail);
