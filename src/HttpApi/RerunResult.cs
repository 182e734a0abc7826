namespace Serverless.HttpApi;

/// <summary>The outcome of a rerun request.</summary>
/// <param name="Outcome">How it ended.</param>
/// <param name="Status">The instance's runtime status when <see cref="RerunOutcome.NotFailed"/>.</param>
internal readonly record struct RerunResult(RerunOutcome Outcome, string? Status = null)
{
    /// <summary>The rerun is under way.</summary>
    public static RerunResult Accepted => new(RerunOutcome.Accepted);

    /// <summary>The instance does not exist.</summary>
    public static RerunResult NotFound => new(RerunOutcome.NotFound);

    /// <summary>The instance has no recorded final state.</summary>
    public static RerunResult NoFinalState => new(RerunOutcome.NoFinalState);

    /// <summary>The instance is <paramref name="status"/>, not Failed.</summary>
    public static RerunResult NotFailed(string status) => new(RerunOutcome.NotFailed, status);
}
