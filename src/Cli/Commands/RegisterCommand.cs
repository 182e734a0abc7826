using System.ComponentModel;
using System.Text.Json;
using Serverless.Cli.Api;
using Serverless.Cli.Rendering;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Serverless.Cli.Commands;

/// <summary><c>register &lt;file&gt;</c>: <c>PUT /api/workflows/{name}</c> under the document's own name; prints the version.</summary>
internal sealed class RegisterCommand(IAnsiConsole console) : ApiCommand<RegisterCommand.Settings>(console)
{
    protected override async Task<int> RunAsync(Settings settings, WorkflowsApiClient client, CancellationToken cancellationToken)
    {
        var json = JsonArgument.Read("@" + settings.File, "<file>");
        using var document = JsonDocument.Parse(json);
        var name = Formats.Text(document.RootElement, "name")
            ?? throw new CliException($"{settings.File} has no \"name\": run 'swf validate {settings.File}'.");
        var response = await client.RegisterAsync(name, json, cancellationToken);
        if (settings.Output != OutputFormat.Text)
        {
            JsonOutput.Write(Out, response.Body);
        }
        else
        {
            var version = response.Body.GetProperty("version").GetInt32();
            Out.MarkupLine(response.Status == 201
                ? $"[green]✔[/] registered {Markup.Escape(name)} version {version}"
                : $"[green]✔[/] {Markup.Escape(name)} unchanged: version {version}");
        }

        return ExitCodes.Ok;
    }

    /// <summary>The options of <c>register</c>.</summary>
    public sealed class Settings : GlobalSettings
    {
        [CommandArgument(0, "<file>")]
        [Description("The definition (JSON); its \"name\" is the workflow's.")]
        public string File { get; set; } = "";
    }
}
