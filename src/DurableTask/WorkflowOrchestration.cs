using System.Text.Json;
using Microsoft.DurableTask;
using Serverless.Engine;
using Serverless.Engine.Registry;
using Serverless.Engine.Replay;

namespace Serverless.DurableTask;

/// <summary>
/// The one orchestration every workflow instance (and child) runs: hands the <see cref="TaskOrchestrationContext"/> to
/// the engine's <see cref="OrchestrationDriver"/>. The Functions app's orchestrator function forwards here, and tests
/// and benchmarks register it directly with a durabletask-dotnet worker.
/// </summary>
/// <remarks>WARNING: orchestrator code. It replays: no clock, no I/O, no awaiting anything but the context's tasks.</remarks>
internal static class WorkflowOrchestration
{
    /// <summary>
    /// Runs one execution of a workflow instance over <paramref name="context"/>: returns the output, throws
    /// <see cref="WorkflowFailedException"/> (the instance fails with its <c>type: message</c>), or returns null after
    /// continuing as new.
    /// </summary>
    public static async Task<JsonElement?> RunAsync(TaskOrchestrationContext context, WorkflowCompiler compiler, OrchestrationDriverOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = context.GetInput<OrchestrationInput>()
            ?? throw new WorkflowFailedException(new WorkflowError(
                ErrorTypes.ValidationError, "The orchestration input must be {workflow, version, input}."));
        var logger = context.CreateReplaySafeLogger(typeof(WorkflowOrchestration).FullName!);
        Log.ExecutionStarted(logger, context.InstanceId, input.Workflow, input.Version, input.Continuation?.Generation ?? 0);
        try
        {
            var output = await new OrchestrationDriver(new DurableOrchestrationRuntime(context), compiler, options).RunAsync(input);
            Log.ExecutionEnded(logger, context.InstanceId, output is null ? "continued as new" : "completed");
            return output;
        }
        catch (WorkflowFailedException ex)
        {
            Log.ExecutionFailed(logger, context.InstanceId, ex.Error.Type);
            throw;
        }
    }
}
