namespace Serverless.Engine.Execution;

/// <summary>What an activity knows about the attempt it runs.</summary>
/// <param name="InstanceId">The workflow instance.</param>
/// <param name="NodeId">The node's id in the definition.</param>
/// <param name="Path">The node path, e.g. <c>invoice</c> or <c>each[3].invoice</c>.</param>
/// <param name="IdempotencyKey">Stable across redeliveries of the same attempt; differs per attempt and rerun.</param>
/// <param name="Attempt">The attempt number, from 1.</param>
public sealed record ActivityContext(string InstanceId, string NodeId, string Path, string IdempotencyKey, int Attempt)
{
    /// <summary>
    /// The W3C <c>traceparent</c> of the attempt's span (or of the instance's run span when the attempt is not recorded),
    /// to pass on to what the activity calls. The attempt's span is also <see cref="System.Diagnostics.Activity.Current"/>
    /// while the activity runs, so <see cref="HttpClient"/> calls carry it already.
    /// </summary>
    public string? TraceParent { get; init; }
}
