using System.Globalization;

namespace Serverless.Standalone.Bench.Load;

/// <summary>p50, p95, p99 and max of a set of latencies (nearest rank), in milliseconds.</summary>
internal readonly record struct Percentiles(double P50, double P95, double P99, double Max)
{
    /// <summary>The percentiles of <paramref name="values"/>; all zero when it is empty.</summary>
    public static Percentiles Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? default : new(Rank(sorted, 50), Rank(sorted, 95), Rank(sorted, 99), sorted[^1]);
    }

    /// <summary>A millisecond figure as the tables show it.</summary>
    public static string Ms(double value) => value.ToString(value < 10 ? "F1" : "F0", CultureInfo.InvariantCulture) + " ms";

    /// <summary><c>p50 a, p95 b, p99 c, max d</c>.</summary>
    public override string ToString() => $"p50 {Ms(P50)}, p95 {Ms(P95)}, p99 {Ms(P99)}, max {Ms(Max)}";

    private static double Rank(double[] sorted, double percent)
        => sorted[Math.Clamp((int)Math.Ceiling(percent / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
}
