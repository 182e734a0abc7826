using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.Testing;

namespace Serverless.Conformance.Tests.Runners;

/// <summary>
/// One way of running workflows (the in-memory reference, the standalone host, Durable Task on Azurite) behind the
/// operations the conformance scenarios need. Every wait is bounded by the caller's token.
/// </summary>
public interface IWorkflowRunner : IAsyncDisposable
{
    /// <summary>A short name for messages: <c>EngineTestHost</c>, <c>StandaloneHost</c>, <c>DurableTask</c>.</summary>
    string Name { get; }

    /// <summary>The scripted activities every node runs on (attempts are counted per <c>{instanceId}:{path}</c>).</summary>
    internal ScriptedActivities Activities { get; }

    /// <summary>Registers a definition (a new version when it differs from the latest).</summary>
    Task RegisterAsync(string definitionJson, CancellationToken cancellationToken);

    /// <summary>Starts <paramref name="instanceId"/> running the latest version of <paramref name="workflow"/>.</summary>
    Task StartAsync(string workflow, string instanceId, JsonElement input, CancellationToken cancellationToken);

    /// <summary>Raises an event for an instance.</summary>
    Task RaiseEventAsync(string instanceId, string name, JsonElement payload, CancellationToken cancellationToken);

    /// <summary>Terminates an instance with a reason.</summary>
    Task TerminateAsync(string instanceId, string reason, CancellationToken cancellationToken);

    /// <summary>Suspends an instance.</summary>
    Task SuspendAsync(string instanceId, CancellationToken cancellationToken);

    /// <summary>Resumes a suspended instance.</summary>
    Task ResumeAsync(string instanceId, CancellationToken cancellationToken);

    /// <summary>Reruns a Failed instance from its failed nodes.</summary>
    Task RerunAsync(string instanceId, CancellationToken cancellationToken);

    /// <summary>The runtime status and the running node paths (from the custom status on the durable hosts), or null when unknown.</summary>
    Task<InstanceProgress?> GetProgressAsync(string instanceId, CancellationToken cancellationToken);

    /// <summary>Waits until the instance is Completed, Failed or Terminated (bounded by the token).</summary>
    Task WaitForFinalAsync(string instanceId, CancellationToken cancellationToken);

    /// <summary>The instance as the runner reports it now, normalised (see <see cref="InstanceResult"/>).</summary>
    Task<InstanceResult> ReadAsync(string instanceId, CancellationToken cancellationToken);

    /// <summary>
    /// Lets time pass between two polls: real time on the hosts (a polling interval, never a wait for luck), virtual
    /// time on the reference host.
    /// </summary>
    Task PauseAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Stores an instance of <paramref name="workflow"/> whose state was written by an engine with a newer semantics
    /// version (as a newer deployment would leave it) and lets the runner take it up; returns what the runner made of
    /// it, or null when the runner keeps no stored state it could be planted in.
    /// </summary>
    Task<Refusal?> PlantNewerSemanticsAsync(string workflow, string instanceId, JsonElement input, CancellationToken cancellationToken);
}

/// <summary>Where an instance is now.</summary>
/// <param name="RuntimeStatus">Durable's runtime status name.</param>
/// <param name="RunningNodes">Node paths running now.</param>
public sealed record InstanceProgress(string RuntimeStatus, ImmutableArray<string> RunningNodes)
{
    /// <summary>True once Completed, Failed or Terminated.</summary>
    public bool IsFinal => RuntimeStatus is "Completed" or "Failed" or "Terminated";

    /// <inheritdoc/>
    public override string ToString() => $"{RuntimeStatus}, running [{string.Join(", ", RunningNodes)}]";
}

/// <summary>What a runner answered for an instance stored under a newer engine semantics version.</summary>
/// <param name="Where">How the refusal showed (an instance status, an API answer).</param>
/// <param name="Message">The error text the runner gave.</param>
/// <param name="Others">What became of other instances the refused one could have held up, when the runner checks that.</param>
public sealed record Refusal(string Where, string Message, string? Others = null);

/// <summary>One node (or body iteration) of an instance: the fields compared across runners, plus its times.</summary>
/// <param name="Path">The node path (<c>each[3].work</c>).</param>
/// <param name="Status">The status in lower case, as <c>runAfter</c> names outcomes.</param>
/// <param name="Attempts">Attempts started in the current epoch (0 for nodes that run no work).</param>
/// <param name="StartedAt">When it started (not compared: times differ by nature).</param>
/// <param name="CompletedAt">When it ended (not compared).</param>
public sealed record NodeSummary(string Path, string Status, int Attempts, DateTimeOffset? StartedAt, DateTimeOffset? CompletedAt)
{
    /// <summary>The compared part: <c>path status attempts</c>.</summary>
    public override string ToString() => $"{Path} {Status} {Attempts}";

    /// <summary>Reads one item of <c>NodeDetails.List</c> (the per-node route's shape).</summary>
    public static NodeSummary FromJson(JsonNode item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return new NodeSummary(
            item["path"]!.GetValue<string>(),
            item["status"]!.GetValue<string>(),
            item["attempts"]!.GetValue<int>(),
            item["startedAt"] is { } s ? DateTimeOffset.Parse(s.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) : null,
            item["completedAt"] is { } c ? DateTimeOffset.Parse(c.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) : null);
    }
}

/// <summary>
/// An instance as every runner reports it, after the per-host normalisation the runners document: the runtime status,
/// the workflow, the output (Completed only), the error (Failed and Terminated) and every node and body iteration.
/// </summary>
/// <param name="RuntimeStatus">Durable's runtime status name.</param>
/// <param name="Workflow">The workflow name (Durable's status <c>name</c> is the orchestrator's; runners take the workflow from where their host keeps it).</param>
/// <param name="Output">The output of a Completed instance; null otherwise.</param>
/// <param name="Error">The error object <c>{type, message, details?}</c> of a Failed or Terminated instance.</param>
/// <param name="Nodes">Every node and body iteration, in ordinal path order.</param>
public sealed record InstanceResult(string RuntimeStatus, string? Workflow, JsonNode? Output, JsonObject? Error, ImmutableArray<NodeSummary> Nodes)
{
    /// <summary>The error type, or null.</summary>
    public string? ErrorType => Error?["type"]?.GetValue<string>();

    /// <summary>The error message, or null.</summary>
    public string? ErrorMessage => Error?["message"]?.GetValue<string>();

    /// <summary>One node by path (throws when absent, naming what there is).</summary>
    public NodeSummary Node(string path)
        => Nodes.FirstOrDefault(n => n.Path == path)
            ?? throw new InvalidOperationException($"No node '{path}'; nodes: {string.Join(", ", Nodes.Select(n => n.Path))}");

    /// <summary>
    /// Everything compared across runners as one text (objects with sorted keys), so a difference shows as a readable
    /// diff: status, workflow, output, error and one line per node.
    /// </summary>
    public string Canonical()
    {
        var lines = new List<string>
        {
            "status: " + RuntimeStatus,
            "workflow: " + (Workflow ?? "(none)"),
            "output: " + Json.Canonical(Output),
            "error: " + Json.Canonical(Error),
            "nodes:",
        };
        lines.AddRange(Nodes.Select(n => "  " + n));
        return string.Join('\n', lines);
    }
}
