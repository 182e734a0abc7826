namespace Serverless.Engine.Decisions;

/// <summary>The outcome names <c>runAfter</c> accepts besides switch cases.</summary>
internal static class OutcomeNames
{
    /// <summary>The predecessor succeeded.</summary>
    public const string Succeeded = "succeeded";
    /// <summary>The predecessor failed.</summary>
    public const string Failed = "failed";
    /// <summary>The predecessor was skipped.</summary>
    public const string Skipped = "skipped";
    /// <summary>Not accepted by any runAfter; reserved.</summary>
    public const string Cancelled = "cancelled";
}
