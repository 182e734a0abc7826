using Serverless.Cli.Api;
using Serverless.Cli.Rendering;
using Spectre.Console;

namespace Serverless.Cli.Commands;

/// <summary><c>nodes &lt;id&gt;</c>: every node record (<c>GET /api/instances/{id}/nodes</c>, all pages).</summary>
internal sealed class NodesCommand(IAnsiConsole console) : ApiCommand<InstanceSettings>(console)
{
    protected override async Task<int> RunAsync(InstanceSettings settings, WorkflowsApiClient client, CancellationToken cancellationToken)
    {
        var nodes = await client.ListNodesAsync(settings.Id, cancellationToken);
        switch (settings.Output)
        {
            case OutputFormat.Json:
                JsonOutput.Write(Out, new { nodes, continuationToken = (string?)null });
                return ExitCodes.Ok;
            case OutputFormat.Jsonl:
                foreach (var node in nodes)
                {
                    JsonOutput.WriteLine(Out, node);
                }

                return ExitCodes.Ok;
        }

        var now = DateTimeOffset.UtcNow;
        var table = new Table().AddColumns("path", "status", "attempts", "started", "duration", "detail");
        foreach (var node in nodes)
        {
            var status = Formats.Text(node, "status");
            var started = Formats.Time(node, "startedAt");
            var detail = Formats.Property(node, "error") is { } error
                ? $"[red]{Markup.Escape($"{Formats.Text(error, "type")}: {Formats.Text(error, "message")}")}[/]"
                : Formats.Property(node, "output") is { } output ? Markup.Escape(Formats.Compact(output, 60)) : "";
            table.AddRow(
                Markup.Escape(Formats.Text(node, "path") ?? ""),
                $"{StatusStyle.Icon(status)} [{StatusStyle.Color(status)}]{Markup.Escape(status ?? "")}[/]",
                Formats.Property(node, "attempts")?.ToString() ?? "",
                Formats.Time(started),
                started is { } s ? Formats.Duration((Formats.Time(node, "completedAt") ?? now) - s) : "",
                detail);
        }

        Out.Write(table);
        return ExitCodes.Ok;
    }
}
