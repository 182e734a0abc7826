using Serverless.Cli.Api;
using Serverless.Cli.Rendering;
using Spectre.Console;

namespace Serverless.Cli.Commands;

/// <summary><c>workflows show &lt;workflow&gt; [--version]</c>: the definition with its <c>version</c> and <c>createdAt</c>.</summary>
internal sealed class WorkflowsShowCommand(IAnsiConsole console) : ApiCommand<WorkflowSettings>(console)
{
    protected override async Task<int> RunAsync(WorkflowSettings settings, WorkflowsApiClient client, CancellationToken cancellationToken)
    {
        // The definition is JSON in every mode: text shows it indented too.
        JsonOutput.Write(Out, await client.GetWorkflowAsync(settings.Workflow, settings.Version, cancellationToken));
        return ExitCodes.Ok;
    }
}
