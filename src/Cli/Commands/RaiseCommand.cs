using System.ComponentModel;
using Serverless.Cli.Api;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Serverless.Cli.Commands;

/// <summary>
/// <c>raise &lt;id&gt; &lt;event&gt; --data @file|json</c>: <c>POST /api/instances/{id}/raiseEvent/{event}</c>. The batch
/// form <c>raise &lt;event&gt; --data ... [filter options] [--yes]</c> raises it on every instance the filter matches
/// (a dry-run count without <c>--yes</c>).
/// </summary>
internal sealed class RaiseCommand(IAnsiConsole console) : ApiCommand<RaiseCommand.Settings>(console)
{
    protected override async Task<int> RunAsync(Settings settings, WorkflowsApiClient client, CancellationToken cancellationToken)
    {
        var payload = JsonArgument.Read(settings.Data, "--data");
        if (settings.Event is null)
        {
            var name = settings.Target;
            return await InstanceBatch.RunAsync(
                Out, client, settings, settings.Yes, $"raise '{name}' on", $"raised '{name}' on",
                each => client.RaiseEventAsync(each, name, payload, cancellationToken), cancellationToken);
        }

        await client.RaiseEventAsync(settings.Target, settings.Event, payload, cancellationToken);
        if (settings.Output == OutputFormat.Text)
        {
            Out.MarkupLine($"[green]✔[/] raised '{Markup.Escape(settings.Event)}' on {Markup.Escape(settings.Target)}");
        }
        else
        {
            Rendering.JsonOutput.Write(Out, new { id = settings.Target, @event = settings.Event, raised = true });
        }

        return ExitCodes.Ok;
    }

    /// <summary>The options of <c>raise</c>.</summary>
    public sealed class Settings : InstanceFilterSettings
    {
        [CommandArgument(0, "<id-or-event>")]
        [Description("The instance id, then the event's name; or, for a batch over the filter options, only the event's name.")]
        public string Target { get; set; } = "";

        [CommandArgument(1, "[event]")]
        [Description("The event's name (with an instance id).")]
        public string? Event { get; set; }

        [CommandOption("--data <JSON>")]
        [Description("The event's payload: JSON, or @file (@- for standard input). Default null.")]
        public string? Data { get; set; }

        [CommandOption("-y|--yes")]
        [Description("Raise it on every instance the filter matches; without it, only count them.")]
        public bool Yes { get; set; }

        public override ValidationResult Validate()
        {
            var filtered = HasFilter;
            if (Event is not null && filtered)
            {
                return ValidationResult.Error("Give an instance id and an event, or an event and filter options, not both.");
            }

            return Event is null && !filtered
                ? ValidationResult.Error("Give an instance id and an event, or an event and filter options (--status, --workflow, --prefix, --created-after, --created-before) for a batch.")
                : base.Validate();
        }
    }
}
