using Serverless.Cli.Api;
using Serverless.Cli.Rendering;
using Spectre.Console;

namespace Serverless.Cli.Commands;

/// <summary><c>start &lt;workflow&gt; --input @file|json [--id] [--version]</c>: prints the instance id.</summary>
internal sealed class StartCommand(IAnsiConsole console) : ApiCommand<StartSettings>(console)
{
    protected override async Task<int> RunAsync(StartSettings settings, WorkflowsApiClient client, CancellationToken cancellationToken)
    {
        var input = JsonArgument.Read(settings.Input, "--input");
        var started = await client.StartAsync(settings.Workflow, input, settings.Id, settings.Version, cancellationToken);
        if (settings.Output != OutputFormat.Text)
        {
            JsonOutput.Write(Out, started);
        }
        else
        {
            // The id alone, so that `id=$(swf start ...)` works.
            JsonOutput.Line(Out, Formats.Text(started, "id") ?? "");
        }

        return ExitCodes.Ok;
    }
}
