using System.ComponentModel;
using Serverless.Cli.Api;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Serverless.Cli.Commands;

/// <summary><c>raise &lt;id&gt; &lt;event&gt; --data @file|json</c>: <c>POST /api/instances/{id}/raiseEvent/{event}</c>.</summary>
internal sealed class RaiseCommand(IAnsiConsole console) : ApiCommand<RaiseCommand.Settings>(console)
{
    protected override async Task<int> RunAsync(Settings settings, WorkflowsApiClient client, CancellationToken cancellationToken)
    {
        await client.RaiseEventAsync(settings.Id, settings.Event, JsonArgument.Read(settings.Data, "--data"), cancellationToken);
        if (settings.Output == OutputFormat.Text)
        {
            Out.MarkupLine($"[green]✔[/] raised '{Markup.Escape(settings.Event)}' on {Markup.Escape(settings.Id)}");
        }
        else
        {
            Rendering.JsonOutput.Write(Out, new { id = settings.Id, @event = settings.Event, raised = true });
        }

        return ExitCodes.Ok;
    }

    /// <summary>The options of <c>raise</c>.</summary>
    public sealed class Settings : InstanceSettings
    {
        [CommandArgument(1, "<event>")]
        [Description("The event's name.")]
        public string Event { get; set; } = "";

        [CommandOption("--data <JSON>")]
        [Description("The event's payload: JSON, or @file (@- for standard input). Default null.")]
        public string? Data { get; set; }
    }
}
