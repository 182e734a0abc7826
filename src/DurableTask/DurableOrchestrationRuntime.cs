using System.Text.Json;
using Microsoft.DurableTask;
using Serverless.Engine;
using Serverless.Engine.Execution;
using Serverless.Engine.Replay;

namespace Serverless.DurableTask;

/// <summary>
/// <see cref="IOrchestrationRuntime"/> over durabletask-dotnet's <see cref="TaskOrchestrationContext"/>: each call is one
/// durable primitive (activity, timer, external event, sub-orchestration), so the orchestration replays exactly.
/// </summary>
/// <remarks>WARNING: orchestrator code. No clock, no I/O, no awaiting anything but the context's tasks.</remarks>
internal sealed class DurableOrchestrationRuntime : IOrchestrationRuntime
{
    private readonly TaskOrchestrationContext _context;

    public DurableOrchestrationRuntime(TaskOrchestrationContext context) => _context = context ?? throw new ArgumentNullException(nameof(context));

    public string InstanceId => _context.InstanceId;

    public bool IsReplaying => _context.IsReplaying;

    public DateTimeOffset UtcNow => new(DateTime.SpecifyKind(_context.CurrentUtcDateTime, DateTimeKind.Utc));

    public Task<DefinitionSnapshot?> LoadDefinitionAsync(string workflow, int? version)
        => _context.CallActivityAsync<DefinitionSnapshot?>(TaskNames.LoadDefinition, new DefinitionRequest(workflow, version));

    public async Task<NodeOutcome> RunNodeAsync(NodeActivityRequest request)
    {
        try
        {
            var result = await _context.CallActivityAsync<NodeResult>(TaskNames.RunNode, request);
            return result.ToOutcome();
        }
        catch (TaskFailedException ex)
        {
            // The activity itself crashed (not a failure of the work, which executors return as a value).
            return NodeOutcome.Failure(new WorkflowError(ErrorTypes.ActivityError, ex.FailureDetails.ErrorMessage));
        }
    }

    public Task CreateTimer(DateTimeOffset dueAt, CancellationToken cancellationToken)
        => _context.CreateTimer(dueAt.UtcDateTime, cancellationToken);

    public async Task<JsonElement> WaitForEventAsync(string name)
    {
        // An event raised without a body arrives as no value at all; the decider sees JSON null.
        var payload = await _context.WaitForExternalEvent<JsonElement>(name);
        return payload.ValueKind == JsonValueKind.Undefined ? JsonValues.Null : payload;
    }

    public async Task<ChildOutcome> RunChildAsync(ChildRequest request)
    {
        var version = request.Version;
        if (version is null)
        {
            version = await _context.CallActivityAsync<int?>(TaskNames.ResolveVersion, new DefinitionRequest(request.Workflow, null));
            if (version is null)
            {
                return ChildOutcome.Failed(null, new WorkflowError(ErrorTypes.WorkflowNotFound, $"Workflow '{request.Workflow}' is not registered."));
            }
        }

        try
        {
            var output = await _context.CallSubOrchestratorAsync<JsonElement?>(
                TaskNames.Orchestrator,
                new OrchestrationInput(request.Workflow, version, request.Input) { Trace = request.Trace },
                new SubOrchestrationOptions(retry: null, instanceId: request.ChildInstanceId));
            return ChildOutcome.Completed(version.Value, output ?? JsonValues.Null);
        }
        catch (TaskFailedException ex)
        {
            // The child threw WorkflowFailedException, whose message is the error's "type: message".
            return ChildOutcome.Failed(version, FailureText.Parse(ex.FailureDetails.ErrorMessage));
        }
    }

    public Task TerminateChildAsync(string childInstanceId, string reason)
        => _context.CallActivityAsync(TaskNames.TerminateInstance, new TerminateRequest(childInstanceId, reason));

    public Task SaveCheckpointAsync(Continuation checkpoint)
        => _context.CallActivityAsync(TaskNames.SaveCheckpoint, new CheckpointRequest(_context.InstanceId, checkpoint));

    public void SetCustomStatus(object? status) => _context.SetCustomStatus(status);

    public void ContinueAsNew(OrchestrationInput input) => _context.ContinueAsNew(input, preserveUnprocessedEvents: true);
}
