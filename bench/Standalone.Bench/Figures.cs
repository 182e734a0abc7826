using System.Globalization;

namespace Serverless.Standalone.Bench;

/// <summary>How the tables word figures that both targets report alike.</summary>
internal static class Figures
{
    /// <summary>
    /// Scenario E: the span, the start phase, early waits, the spread of the wait nodes' own durations and how long
    /// after its creation each instance reached its wait.
    /// </summary>
    public static string Waits(double seconds, double starting, IReadOnlyList<TimeSpan> waits, IReadOnlyList<TimeSpan> reached)
    {
        var early = waits.Count(w => w < TimeSpan.FromSeconds(1));
        var took = waits.Select(w => w.TotalSeconds).Order().ToArray();
        var late = reached.Select(w => w.TotalSeconds).Order().ToArray();
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{seconds:F2} s until all done (starting them took {starting:F2} s), {early} fired early; "
            + $"each wait took {took[0]:F2}-{took[^1]:F2} s (p50 {took[took.Length / 2]:F2}) and began {late[late.Length / 2]:F2} s (p50), {late[^1]:F2} s (max) after its instance was created");
    }
}
