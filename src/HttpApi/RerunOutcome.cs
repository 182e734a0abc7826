namespace Serverless.HttpApi;

/// <summary>How <see cref="IInstanceBackend.RerunAsync"/> ended.</summary>
internal enum RerunOutcome
{
    /// <summary>The rerun is under way (202).</summary>
    Accepted,

    /// <summary>The instance does not exist (404).</summary>
    NotFound,

    /// <summary>The instance is not Failed (409); <see cref="RerunResult.Status"/> says what it is.</summary>
    NotFailed,

    /// <summary>The instance is Failed but its final state was never recorded (409).</summary>
    NoFinalState,
}
