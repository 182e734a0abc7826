using Serverless.Cli.Api;
using Serverless.Cli.Rendering;
using Spectre.Console;

namespace Serverless.Cli.Commands;

/// <summary><c>list</c>: <c>GET /api/instances</c> with the filters, every page (or <c>--limit</c> rows).</summary>
internal sealed class ListCommand(IAnsiConsole console) : ApiCommand<InstanceFilterSettings>(console)
{
    protected override async Task<int> RunAsync(InstanceFilterSettings settings, WorkflowsApiClient client, CancellationToken cancellationToken)
    {
        var rows = client.ListInstancesAsync(settings.ToFilter(), settings.Limit, settings.PageSize, cancellationToken);
        if (settings.Output == OutputFormat.Jsonl)
        {
            await foreach (var row in rows)
            {
                JsonOutput.WriteLine(Out, row);
            }

            return ExitCodes.Ok;
        }

        var all = new List<System.Text.Json.JsonElement>();
        await foreach (var row in rows)
        {
            all.Add(row);
        }

        if (settings.Output == OutputFormat.Json)
        {
            JsonOutput.Write(Out, all);
            return ExitCodes.Ok;
        }

        var table = new Table().AddColumns("id", "workflow", "status", "created", "updated");
        foreach (var row in all.OrderByDescending(r => Formats.Time(r, "createdTime")))
        {
            var status = Formats.Text(row, "runtimeStatus");
            table.AddRow(
                Markup.Escape(Formats.Text(row, "instanceId") ?? ""),
                Markup.Escape(WorkflowsApiClient.WorkflowOf(row) ?? ""),
                $"{StatusStyle.Icon(status)} [{StatusStyle.Color(status)}]{Markup.Escape(status ?? "")}[/]",
                Formats.Time(Formats.Time(row, "createdTime")),
                Formats.Time(Formats.Time(row, "lastUpdatedTime")));
        }

        Out.Write(table);
        Out.MarkupLine($"{all.Count} instance(s)");
        return ExitCodes.Ok;
    }
}
