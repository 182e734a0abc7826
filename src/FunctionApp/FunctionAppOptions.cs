using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Serverless.Engine.Decisions;
using Serverless.Engine.Definitions;
using Serverless.Engine.Replay;

namespace Serverless.FunctionApp;

/// <summary>The app's settings, read from the <c>Workflows</c> section (app settings <c>Workflows__Name</c>).</summary>
public sealed class FunctionAppOptions
{
    /// <summary>Table holding workflow definitions.</summary>
    /// <value>Defaults to <c>WorkflowDefinitions</c>.</value>
    [Required(ErrorMessage = "Workflows:DefinitionsTable must be set.")]
    public string DefinitionsTable { get; set; } = "WorkflowDefinitions";

    /// <summary>Blob container holding orchestration checkpoints.</summary>
    /// <value>Defaults to <c>workflow-checkpoints</c>.</value>
    [Required(ErrorMessage = "Workflows:CheckpointContainer must be set.")]
    public string CheckpointContainer { get; set; } = "workflow-checkpoints";

    /// <summary>Largest instance input and event payload in bytes. At least 1,024.</summary>
    /// <value>Defaults to 256 KiB.</value>
    [Range(1024, int.MaxValue)]
    public int MaxPayloadBytes { get; set; } = PlanOptions.DefaultMaxValueBytes;

    /// <summary>
    /// Seconds a client should wait before polling <c>/api/instances/{id}</c> again (<c>Retry-After</c> of a 202 status
    /// answer). At least 0.
    /// </summary>
    /// <value>Defaults to 1.</value>
    [Range(0, int.MaxValue)]
    public int StatusRetryAfterSeconds { get; set; } = 1;

    // Fresh instances, not the shared Default ones: binding configuration sets their properties in place.

    /// <summary>Limits definitions must respect (<c>Workflows__DefinitionLimits__MaxNodes</c>, ...).</summary>
    /// <value>Defaults to <see cref="DefinitionLimits.Default"/>.</value>
    public DefinitionLimits DefinitionLimits { get; set; } = new();

    /// <summary>
    /// Limits every instance runs under: largest stored value, the width of <c>maxConcurrency: 0</c>, queued events
    /// (<c>Workflows__PlanOptions__MaxValueBytes</c>, ...).
    /// </summary>
    /// <value>Defaults to <see cref="PlanOptions.Default"/>.</value>
    [ValidateObjectMembers]
    public PlanOptions PlanOptions { get; set; } = new();

    /// <summary>History bound, width cap and checkpoint interval of the orchestrator.</summary>
    /// <value>Defaults to <see cref="OrchestrationDriverOptions.Default"/>.</value>
    [ValidateObjectMembers]
    public OrchestrationDriverOptions Orchestration { get; set; } = new();
}
