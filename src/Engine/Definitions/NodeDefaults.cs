using System.Collections.Immutable;

namespace Serverless.Engine.Definitions;

/// <summary>The document's <c>defaults</c>: applied to http and activity nodes that do not set their own.</summary>
/// <param name="Retry">The default retriers; empty means "run once".</param>
/// <param name="Timeout">The default per-attempt timeout.</param>
internal sealed record NodeDefaults(ImmutableArray<RetryPolicy> Retry, TimeSpan? Timeout)
{
    /// <summary>No defaults.</summary>
    public static NodeDefaults None { get; } = new(ImmutableArray<RetryPolicy>.Empty, null);
}
