using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Serverless.Engine.Hosting;

namespace Serverless.FunctionApp.Orchestration;

/// <summary>The one orchestrator function: forwards to <see cref="RunAsync"/>, which hands the context to the engine.</summary>
public sealed class WorkflowOrchestrator
{
    private readonly OrchestrationDriverOptions _options;

    /// <summary>Creates the function with the app's orchestration options.</summary>
    public WorkflowOrchestrator(OrchestrationDriverOptions options) => _options = options;

    /// <summary>The orchestrator function: forwards to <see cref="RunAsync"/>.</summary>
    [Function(FunctionNames.Orchestrator)]
    public Task<JsonElement?> Run([OrchestrationTrigger] TaskOrchestrationContext context)
        => RunAsync(context, _options);

    /// <summary>
    /// Runs one execution of a workflow instance over <paramref name="context"/>: the plain method the function forwards
    /// to, also registered directly with durabletask-dotnet's in-process test host.
    /// </summary>
    public static async Task<JsonElement?> RunAsync(TaskOrchestrationContext context, OrchestrationDriverOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = context.GetInput<OrchestrationInput>()
            ?? throw new WorkflowFailedException(new Serverless.Engine.WorkflowError(
                Serverless.Engine.ErrorTypes.ValidationError, "The orchestration input must be {workflow, version, input}."));
        var logger = context.CreateReplaySafeLogger(typeof(WorkflowOrchestrator).FullName!);
        Log.ExecutionStarted(logger, context.InstanceId, input.Workflow, input.Version, input.Continuation?.Generation ?? 0);
        try
        {
            var output = await new OrchestrationDriver(new DurableOrchestrationRuntime(context), options).RunAsync(input);
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
