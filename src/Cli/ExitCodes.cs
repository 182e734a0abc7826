namespace Serverless.Cli;

/// <summary>The tool's exit codes (docs/cli.md), as Temporal's CLI for instance outcomes.</summary>
internal static class ExitCodes
{
    /// <summary>Success; for <c>run</c>, the instance completed.</summary>
    public const int Ok = 0;

    /// <summary>A usage error, an invalid definition or an HTTP error.</summary>
    public const int Error = 1;

    /// <summary>The instance failed.</summary>
    public const int Failed = 2;

    /// <summary>The instance was terminated, or <c>run --timeout</c> passed first.</summary>
    public const int TerminatedOrTimedOut = 3;
}
