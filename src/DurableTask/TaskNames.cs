namespace Serverless.DurableTask;

/// <summary>
/// The names the orchestration and its activities are registered under, as Durable Task tasks and as Azure Functions
/// (they are recorded in every history: never rename one).
/// </summary>
internal static class TaskNames
{
    /// <summary>The one orchestrator; every workflow instance (and child) runs it.</summary>
    public const string Orchestrator = "WorkflowOrchestrator";

    /// <summary>Loads a pinned (or the latest) definition so replays read it from history.</summary>
    public const string LoadDefinition = "LoadWorkflowDefinition";

    /// <summary>Resolves a workflow's latest version for a child started without one.</summary>
    public const string ResolveVersion = "ResolveWorkflowVersion";

    /// <summary>Runs one attempt of http/activity node work through the engine's executors.</summary>
    public const string RunNode = "RunWorkflowNode";

    /// <summary>Terminates a child instance through the durable client.</summary>
    public const string TerminateInstance = "TerminateWorkflowInstance";

    /// <summary>Writes a checkpoint of the driver state to blob storage.</summary>
    public const string SaveCheckpoint = "SaveWorkflowCheckpoint";
}
