using Serverless.Cli.Api;
using Serverless.Cli.Rendering;
using Spectre.Console;

namespace Serverless.Cli.Commands;

/// <summary><c>workflows list</c>: <c>GET /api/workflows</c>.</summary>
internal sealed class WorkflowsListCommand(IAnsiConsole console) : ApiCommand<GlobalSettings>(console)
{
    protected override async Task<int> RunAsync(GlobalSettings settings, WorkflowsApiClient client, CancellationToken cancellationToken)
    {
        var list = await client.ListWorkflowsAsync(cancellationToken);
        switch (settings.Output)
        {
            case OutputFormat.Json:
                JsonOutput.Write(Out, list);
                break;
            case OutputFormat.Jsonl:
                foreach (var row in list.EnumerateArray())
                {
                    JsonOutput.WriteLine(Out, row);
                }

                break;
            default:
                var table = new Table().AddColumns("name", "latest version", "updated");
                foreach (var row in list.EnumerateArray().OrderBy(r => Formats.Text(r, "name"), StringComparer.Ordinal))
                {
                    table.AddRow(
                        Markup.Escape(Formats.Text(row, "name") ?? ""),
                        Formats.Property(row, "latestVersion")?.ToString() ?? "",
                        Formats.Time(Formats.Time(row, "updatedAt")));
                }

                Out.Write(table);
                Out.MarkupLine($"{list.GetArrayLength()} workflow(s)");
                break;
        }

        return ExitCodes.Ok;
    }
}
