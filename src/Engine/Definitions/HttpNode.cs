using System.Collections.Immutable;
using Serverless.Engine.Expressions;

namespace Serverless.Engine.Definitions;

/// <summary>An HTTP call. The request (method, url, headers, query, body) is one template.</summary>
internal sealed record HttpNode : NodeDefinition, IRetryableNode
{
    /// <summary>The request object <c>{method, url, headers?, query?, body?}</c>, templated recursively; secrets stay as tokens.</summary>
    public required Template Request { get; init; }
    /// <summary>Accepted status ranges (inclusive); default 200-299.</summary>
    public ImmutableArray<StatusRange> SuccessCodes { get; init; } = [new StatusRange(200, 299)];
    /// <summary>Per-attempt timeout; null means the document default, then the host's.</summary>
    public TimeSpan? Timeout { get; init; }
    /// <summary>Optional managed-identity auth: the token audience.</summary>
    public string? ManagedIdentityResource { get; init; }
    /// <summary>Header to send the idempotency key in, if any.</summary>
    public string? IdempotencyKeyHeader { get; init; }
    /// <inheritdoc/>
    public ImmutableArray<RetryPolicy>? Retry { get; init; }
}
