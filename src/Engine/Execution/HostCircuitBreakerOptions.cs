using System.ComponentModel.DataAnnotations;

namespace Serverless.Engine.Execution;

/// <summary>
/// The circuit breaker kept per downstream host (host and port) within one process. Failures are network errors,
/// timeouts, 408 and 5xx answers. While it is open, attempts fail at once with <c>CircuitOpen</c> whose retry-after
/// is the time left until it half-opens, so the durable retry waits instead of hammering the host.
/// </summary>
public sealed class HostCircuitBreakerOptions
{
    /// <summary>Whether a circuit breaker is used.</summary>
    /// <value>The default is true.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>The failure ratio, within <see cref="SamplingDuration"/>, at which the circuit opens.</summary>
    /// <value>The default is 0.5. Greater than 0 and at most 1.</value>
    [Range(0.0, 1.0, MinimumIsExclusive = true)]
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>The fewest calls within <see cref="SamplingDuration"/> before the ratio counts.</summary>
    /// <value>The default is 10. At least 2.</value>
    [Range(2, int.MaxValue)]
    public int MinimumThroughput { get; set; } = 10;

    /// <summary>The window in which failures are counted.</summary>
    /// <value>The default is 30 seconds. At least 500 ms.</value>
    [Range(typeof(TimeSpan), "00:00:00.5", "1.00:00:00")]
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the circuit stays open before one probe call is let through (half-open).</summary>
    /// <value>The default is 30 seconds. At least 500 ms.</value>
    [Range(typeof(TimeSpan), "00:00:00.5", "1.00:00:00")]
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);

}
