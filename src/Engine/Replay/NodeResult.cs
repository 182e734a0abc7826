using System.Text.Json;
using Serverless.Engine.Execution;

namespace Serverless.Engine.Replay;

/// <summary>
/// A <see cref="NodeOutcome"/> as a plain, serializable record: what the node activity returns through Durable
/// Functions' serializer (which cannot build the abstract <see cref="NodeOutcome"/>).
/// </summary>
/// <param name="Succeeded">True when the attempt succeeded.</param>
/// <param name="Output">The output when it succeeded.</param>
/// <param name="Error">The error when it failed.</param>
/// <param name="RetryAfter">A floor for the next retry delay, when the failure carried one.</param>
internal sealed record NodeResult(bool Succeeded, JsonElement? Output, WorkflowError? Error, TimeSpan? RetryAfter)
{
    /// <summary>Converts an outcome.</summary>
    public static NodeResult From(NodeOutcome outcome) => outcome switch
    {
        NodeOutcome.Succeeded s => new NodeResult(true, s.Output, null, null),
        NodeOutcome.Failed f => new NodeResult(false, null, f.Error, f.RetryAfter),
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Unknown node outcome."),
    };

    /// <summary>
    /// Converts back; a JSON <c>null</c> output (which serializers read back as a missing value) stays JSON null, and a
    /// malformed result (no error on failure) becomes an ActivityError.
    /// </summary>
    public NodeOutcome ToOutcome() => Succeeded
        ? NodeOutcome.Success(Output is { ValueKind: not JsonValueKind.Undefined } output ? output : JsonValues.Null)
        : NodeOutcome.Failure(Error ?? new WorkflowError(ErrorTypes.ActivityError, "The node activity reported a failure without an error."), RetryAfter);
}
