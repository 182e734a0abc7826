using System.Text.Json;
using System.Text.Json.Serialization;
using Serverless.Engine.Expressions;

namespace Serverless.Engine.Decisions;

/// <summary>
/// Run an <c>http</c> or <c>activity</c> node's work once and report <see cref="NodeSucceeded"/> or
/// <see cref="NodeFailed"/> with <see cref="Key"/>. Work is at-least-once: executors receive the key to dedupe.
/// </summary>
/// <param name="Key">Stable idempotency key: <c>{instanceId}:{path}:{epoch}:{attempt}</c>.</param>
/// <param name="Path">The node path, e.g. <c>fetch</c> or <c>each[3].fetch</c>.</param>
/// <param name="NodeId">The node's id in the definition (look the definition up in the plan).</param>
/// <param name="Input">For http: the evaluated request <c>{method, url, headers, query, body}</c> with secret tokens intact; for activity: the evaluated input.</param>
/// <param name="Timeout">The per-attempt timeout, if any (the decider also races it with a timer).</param>
internal sealed record RunNode(string Key, string Path, string NodeId, JsonElement Input, TimeSpan? Timeout) : WorkflowCommand
{
    /// <summary>
    /// For http: where <see cref="Input"/> holds the definition's own secret references, the only places the executor
    /// resolves (null when there are none). Tokens anywhere else in the request are data and are sent as written.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<SecretReference>? Secrets { get; init; }
}
