using System.Text.Json;
using Serverless.Engine.Execution;

namespace Serverless.Engine.Replay;

/// <summary>
/// What <see cref="OrchestrationDriver"/> needs from a replaying durable runtime (Durable Functions'
/// <c>TaskOrchestrationContext</c> in <c>src/FunctionApp</c>). Each method maps to one durable primitive.
/// </summary>
/// <remarks>
/// WARNING: implementations run inside orchestrator code and replay. They must not read the clock, generate ids or do
/// I/O themselves: every call here must be a durable action (activity, timer, event wait, sub-orchestration) or a pure
/// read of replay-safe context state.
/// </remarks>
internal interface IOrchestrationRuntime
{
    /// <summary>The instance id.</summary>
    string InstanceId { get; }

    /// <summary>True while the orchestration replays history: nothing it emits (spans, metrics) may be emitted again.</summary>
    bool IsReplaying { get; }

    /// <summary>The replay-safe current time (the orchestration's, never the machine's).</summary>
    DateTimeOffset UtcNow { get; }

    /// <summary>Loads a registered definition through a durable activity, so a replay reads it from history.</summary>
    /// <param name="workflow">The workflow name.</param>
    /// <param name="version">The version; null means the latest.</param>
    /// <returns>The definition, or null when the workflow or version is not registered.</returns>
    Task<DefinitionSnapshot?> LoadDefinitionAsync(string workflow, int? version);

    /// <summary>Runs one attempt of node work in an activity. Never throws for a failure of the work.</summary>
    Task<NodeOutcome> RunNodeAsync(NodeActivityRequest request);

    /// <summary>Starts a durable timer that completes at <paramref name="dueAt"/>, or is cancelled through the token.</summary>
    Task CreateTimer(DateTimeOffset dueAt, CancellationToken cancellationToken);

    /// <summary>
    /// Waits for the next event named <paramref name="name"/>. The driver keeps one such wait per name and never
    /// cancels it (Durable serves waiters of one name last-in-first-out, and a cancelled wait still swallows an event).
    /// </summary>
    Task<JsonElement> WaitForEventAsync(string name);

    /// <summary>Runs a child instance to its end. Never throws for the child's failure; reports it in the result.</summary>
    Task<ChildOutcome> RunChildAsync(ChildRequest request);

    /// <summary>Terminates a child instance (through an activity, so it is durable and replay-safe).</summary>
    Task TerminateChildAsync(string childInstanceId, string reason);

    /// <summary>Saves a checkpoint of the driver state through an activity (best effort; see <see cref="ICheckpointStore"/>).</summary>
    Task SaveCheckpointAsync(Continuation checkpoint);

    /// <summary>Publishes progress (the API's <c>customStatus</c>), at most 16 KB serialized.</summary>
    void SetCustomStatus(object? status);

    /// <summary>Restarts the instance with <paramref name="input"/> and a fresh history, keeping unprocessed events.</summary>
    void ContinueAsNew(OrchestrationInput input);
}
