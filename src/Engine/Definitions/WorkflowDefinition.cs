using System.Collections.Immutable;
using Serverless.Engine.Expressions;

namespace Serverless.Engine.Definitions;

/// <summary>A parsed, valid workflow definition (format v1). Produced only by <see cref="DefinitionParser"/>.</summary>
/// <param name="Name">The registry key, <c>[a-z0-9-]{1,63}</c>.</param>
/// <param name="Description">Optional free text.</param>
/// <param name="Timeout">Optional whole-instance deadline, counted from the start.</param>
/// <param name="Defaults">Defaults for http and activity nodes.</param>
/// <param name="Nodes">The top-level nodes in document order.</param>
/// <param name="Output">The document's output template; null means the default (outputs of the succeeded sinks).</param>
internal sealed record WorkflowDefinition(
    string Name,
    string? Description,
    TimeSpan? Timeout,
    NodeDefaults Defaults,
    ImmutableArray<NodeDefinition> Nodes,
    Template? Output);

/// <summary>The document's <c>defaults</c>: applied to http and activity nodes that do not set their own.</summary>
/// <param name="Retry">The default retriers; empty means "run once".</param>
/// <param name="Timeout">The default per-attempt timeout.</param>
internal sealed record NodeDefaults(ImmutableArray<RetryPolicy> Retry, TimeSpan? Timeout)
{
    /// <summary>No defaults.</summary>
    public static NodeDefaults None { get; } = new(ImmutableArray<RetryPolicy>.Empty, null);
}

/// <summary>One entry of <c>runAfter</c>: a predecessor and the outcomes accepted from it.</summary>
/// <param name="NodeId">The predecessor's id (same scope).</param>
/// <param name="Outcomes"><c>succeeded</c>, <c>failed</c>, <c>skipped</c> or, for a switch, case names.</param>
internal sealed record RunAfter(string NodeId, ImmutableArray<string> Outcomes);

/// <summary>Common fields of every node.</summary>
internal abstract record NodeDefinition
{
    /// <summary>The node's id; unique across the whole document (bodies included).</summary>
    public required string Id { get; init; }

    /// <summary>JSON pointer of the node in the document, e.g. <c>/nodes/fetch</c>.</summary>
    public required string Pointer { get; init; }

    /// <summary>Predecessors and their accepted outcomes; empty means "starts when its scope starts".</summary>
    public ImmutableArray<RunAfter> RunAfter { get; init; } = ImmutableArray<RunAfter>.Empty;

    /// <summary>Optional condition, evaluated when <see cref="RunAfter"/> is met; false skips the node.</summary>
    public Template? If { get; init; }

    /// <summary>Optional template over <c>output</c> whose result is what the node stores.</summary>
    public Template? Select { get; init; }
}

/// <summary>Node kinds that do I/O and may be retried.</summary>
internal interface IRetryableNode
{
    /// <summary>The node's own retriers; null means "use the document defaults"; empty means "run once".</summary>
    ImmutableArray<RetryPolicy>? Retry { get; }
}

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

/// <summary>A custom C# activity registered by the app.</summary>
internal sealed record ActivityNode : NodeDefinition, IRetryableNode
{
    /// <summary>The registered activity's name.</summary>
    public required string Activity { get; init; }
    /// <summary>The activity's input template; null means JSON null.</summary>
    public Template? Input { get; init; }
    /// <summary>Per-attempt timeout.</summary>
    public TimeSpan? Timeout { get; init; }
    /// <inheritdoc/>
    public ImmutableArray<RetryPolicy>? Retry { get; init; }
}

/// <summary>Evaluates a value; decided inline.</summary>
internal sealed record SetNode : NodeDefinition
{
    /// <summary>The value template.</summary>
    public required Template Value { get; init; }
}

/// <summary>Chooses the first case whose condition is true; decided inline.</summary>
internal sealed record SwitchNode : NodeDefinition
{
    /// <summary>Cases in document order.</summary>
    public required ImmutableArray<SwitchCase> Cases { get; init; }
    /// <summary>The case chosen when none matches; null fails the node with NoMatchingCase.</summary>
    public string? Default { get; init; }
}

/// <summary>One case of a switch.</summary>
/// <param name="Name">The case name, also the switch's outcome.</param>
/// <param name="Condition">A boolean expression.</param>
internal sealed record SwitchCase(string Name, Template Condition);

/// <summary>Runs its body once per item of an array.</summary>
internal sealed record ForeachNode : NodeDefinition
{
    /// <summary>Expression giving the array (at most 10,000 items).</summary>
    public required Template Items { get; init; }
    /// <summary>Bodies running at once; 0 means the host maximum.</summary>
    public int MaxConcurrency { get; init; } = 10;
    /// <summary>How many failed items are tolerated.</summary>
    public ToleratedFailures ToleratedFailures { get; init; } = ToleratedFailures.None;
    /// <summary>The body run per item.</summary>
    public required BodyDefinition Body { get; init; }
}

/// <summary>Runs its body until a condition holds.</summary>
internal sealed record LoopNode : NodeDefinition
{
    /// <summary>The body run per iteration.</summary>
    public required BodyDefinition Body { get; init; }
    /// <summary>Checked after each iteration; true ends the loop.</summary>
    public required Template Until { get; init; }
    /// <summary>Iterations allowed before failing with LoopLimitExceeded.</summary>
    public required int MaxIterations { get; init; }
}

/// <summary>Waits for a duration or until a timestamp, on a durable timer.</summary>
internal sealed record WaitNode : NodeDefinition
{
    /// <summary>How long to wait, if given.</summary>
    public TimeSpan? Duration { get; init; }
    /// <summary>Expression giving a timestamp with a UTC offset, if given.</summary>
    public Template? Until { get; init; }
}

/// <summary>Waits for an event raised through the API.</summary>
internal sealed record EventNode : NodeDefinition
{
    /// <summary>The event name (compared case-insensitively).</summary>
    public required string EventName { get; init; }
    /// <summary>How long to wait before failing with Timeout.</summary>
    public TimeSpan? Timeout { get; init; }
}

/// <summary>Runs a registered workflow as a child instance.</summary>
internal sealed record WorkflowNode : NodeDefinition, IRetryableNode
{
    /// <summary>The child workflow's registered name.</summary>
    public required string Workflow { get; init; }
    /// <summary>A pinned version; null means the latest when the node first starts.</summary>
    public int? Version { get; init; }
    /// <summary>The child's input template.</summary>
    public Template? Input { get; init; }
    /// <inheritdoc/>
    public ImmutableArray<RetryPolicy>? Retry { get; init; }
}

/// <summary>Fails with a chosen error; decided inline.</summary>
internal sealed record FailNode : NodeDefinition
{
    /// <summary>The error type.</summary>
    public required string ErrorType { get; init; }
    /// <summary>The message template.</summary>
    public Template? Message { get; init; }
}

/// <summary>The body of a foreach or loop: its own scope of nodes.</summary>
/// <param name="Pointer">JSON pointer of the body object.</param>
/// <param name="Nodes">The body's nodes in document order.</param>
/// <param name="Output">The body output template; null means the default (outputs of the succeeded sinks).</param>
internal sealed record BodyDefinition(string Pointer, ImmutableArray<NodeDefinition> Nodes, Template? Output);

/// <summary>An inclusive range of HTTP status codes.</summary>
internal readonly record struct StatusRange(int From, int To)
{
    /// <summary>Whether <paramref name="status"/> is in the range.</summary>
    public bool Contains(int status) => status >= From && status <= To;
}

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

/// <summary>How retry delays are randomized.</summary>
internal enum JitterKind
{
    /// <summary>Uniform in [0, delay].</summary>
    Full,
    /// <summary>Exactly the delay.</summary>
    None,
}

/// <summary>One retrier. Defaults are the format's: errors ALL, 3 attempts, PT1S, backoff 2.0, PT1H max, full jitter.</summary>
/// <param name="Errors">Error matchers: a type, <c>HttpError:503</c>, <c>HttpError:4xx</c>, <c>HttpError:5xx</c> or <c>ALL</c>.</param>
/// <param name="MaxAttempts">Attempts of what it matches, the first included.</param>
/// <param name="Interval">The first delay.</param>
/// <param name="Backoff">The delay multiplier per retry.</param>
/// <param name="MaxInterval">Cap of a delay; a Retry-After beyond it fails the node.</param>
/// <param name="Jitter">Randomization of the delay.</param>
internal sealed record RetryPolicy(
    ImmutableArray<string> Errors,
    int MaxAttempts,
    TimeSpan Interval,
    double Backoff,
    TimeSpan MaxInterval,
    JitterKind Jitter)
{
    /// <summary>A retrier with every field at its default.</summary>
    public static RetryPolicy Default { get; } =
        new(["ALL"], 3, TimeSpan.FromSeconds(1), 2.0, TimeSpan.FromHours(1), JitterKind.Full);
}
