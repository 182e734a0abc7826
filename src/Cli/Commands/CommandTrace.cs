using System.Diagnostics;

namespace Serverless.Cli.Commands;

/// <summary>Where a command's span hangs: under the W3C context in <c>TRACEPARENT</c> (and <c>TRACESTATE</c>) when set.</summary>
internal static class CommandTrace
{
    /// <summary>The parent context from the environment; default (a new trace) when absent or malformed.</summary>
    public static ActivityContext Parent(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return ActivityContext.TryParse(environment("TRACEPARENT"), environment("TRACESTATE"), isRemote: true, out var context) ? context : default;
    }
}
