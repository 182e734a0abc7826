using System.Collections.Immutable;

namespace Serverless.Engine.Definitions;

/// <summary>Node kinds that do I/O and may be retried.</summary>
internal interface IRetryableNode
{
    /// <summary>The node's own retriers; null means "use the document defaults"; empty means "run once".</summary>
    ImmutableArray<RetryPolicy>? Retry { get; }
}
