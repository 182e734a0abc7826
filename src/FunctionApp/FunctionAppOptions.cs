using Serverless.Engine.Decisions;
using Serverless.Engine.Definitions;
using Serverless.Engine.Replay;

namespace Serverless.FunctionApp;

/// <summary>The app's settings, read from the <c>Workflows</c> section (app settings <c>Workflows__Name</c>).</summary>
public sealed class FunctionAppOptions
{
    /// <summary>Table holding workflow definitions. <value>Default <c>WorkflowDefinitions</c>.</value></summary>
    public string DefinitionsTable { get; set; } = "WorkflowDefinitions";

    /// <summary>Blob container holding orchestration checkpoints. <value>Default <c>workflow-checkpoints</c>.</value></summary>
    public string CheckpointContainer { get; set; } = "workflow-checkpoints";

    /// <summary>Largest instance input and event payload in bytes. <value>Default 256 KiB.</value></summary>
    public int MaxPayloadBytes { get; set; } = 256 * 1024;

    /// <summary>
    /// Seconds a client should wait before polling <c>/api/instances/{id}</c> again (<c>Retry-After</c> of a 202 status
    /// answer). <value>Default 1; at least 0.</value>
    /// </summary>
    public int StatusRetryAfterSeconds { get; set; } = 1;

    /// <summary>Limits definitions must respect (<c>Workflows__DefinitionLimits__MaxNodes</c>, ...).</summary>
    public DefinitionLimits DefinitionLimits { get; set; } = DefinitionLimits.Default;

    /// <summary>
    /// Limits every instance runs under: largest stored value, the width of <c>maxConcurrency: 0</c>, queued events
    /// (<c>Workflows__PlanOptions__MaxValueBytes</c>, ...).
    /// </summary>
    public PlanOptions PlanOptions { get; set; } = PlanOptions.Default;

    /// <summary>History bound, width cap and checkpoint interval of the orchestrator.</summary>
    public OrchestrationDriverOptions Orchestration { get; set; } = OrchestrationDriverOptions.Default;

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(DefinitionsTable) || string.IsNullOrWhiteSpace(CheckpointContainer))
        {
            throw new InvalidOperationException("Workflows:DefinitionsTable and Workflows:CheckpointContainer must be set.");
        }

        if (MaxPayloadBytes < 1024)
        {
            throw new InvalidOperationException($"Workflows:MaxPayloadBytes is {MaxPayloadBytes}; it must be at least 1024.");
        }

        if (StatusRetryAfterSeconds < 0)
        {
            throw new InvalidOperationException($"Workflows:StatusRetryAfterSeconds is {StatusRetryAfterSeconds}; it must be at least 0.");
        }

        Orchestration.Validate();
        PlanOptions.Validate();
    }
}
