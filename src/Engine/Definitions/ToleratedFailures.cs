namespace Serverless.Engine.Definitions;

/// <summary>A foreach's tolerance: a count, or a percentage of the item count (floored).</summary>
/// <param name="Count">The count, when <paramref name="Percent"/> is null.</param>
/// <param name="Percent">The percentage, 0-100.</param>
internal sealed record ToleratedFailures(int Count, double? Percent)
{
    /// <summary>No failures tolerated.</summary>
    public static ToleratedFailures None { get; } = new(0, null);

    /// <summary>The number of failures tolerated for <paramref name="itemCount"/> items.</summary>
    public int For(int itemCount) => Percent is { } p ? (int)Math.Floor(p * itemCount / 100.0) : Count;
}
