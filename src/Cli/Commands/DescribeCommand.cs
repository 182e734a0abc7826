using System.Text.Json;
using Serverless.Cli.Api;
using Serverless.Cli.Rendering;
using Spectre.Console;

namespace Serverless.Cli.Commands;

/// <summary><c>describe &lt;id&gt;</c>: the status object (<c>GET /api/instances/{id}</c>).</summary>
internal sealed class DescribeCommand(IAnsiConsole console) : ApiCommand<InstanceSettings>(console)
{
    protected override async Task<int> RunAsync(InstanceSettings settings, WorkflowsApiClient client, CancellationToken cancellationToken)
    {
        var status = await client.GetStatusAsync(settings.Id, cancellationToken);
        if (settings.Output != OutputFormat.Text)
        {
            JsonOutput.Write(Out, status);
            return ExitCodes.Ok;
        }

        var runtime = Formats.Text(status, "runtimeStatus");
        var grid = new Grid().AddColumn().AddColumn();
        void Row(string name, string markup) => grid.AddRow($"[grey]{name}[/]", markup);
        Row("id", Markup.Escape(Formats.Text(status, "instanceId") ?? ""));
        Row("workflow", Markup.Escape(WorkflowsApiClient.WorkflowOf(status) ?? ""));
        var custom = Formats.Property(status, "customStatus");
        if (custom is { ValueKind: JsonValueKind.Object } c && Formats.Property(c, "version") is { } version)
        {
            Row("version", version.ToString());
        }

        Row("status", $"{StatusStyle.Icon(runtime)} [{StatusStyle.Color(runtime)}]{Markup.Escape(runtime ?? "")}[/]");
        Row("created", Formats.Time(Formats.Time(status, "createdTime")));
        Row("updated", Formats.Time(Formats.Time(status, "lastUpdatedTime")));
        if (Formats.Property(status, "input") is { } input)
        {
            Row("input", Markup.Escape(Formats.Compact(input, 200)));
        }

        if (Formats.Property(status, "output") is { } output)
        {
            Row("output", Markup.Escape(Formats.Compact(output, 200)));
        }

        if (custom is { ValueKind: JsonValueKind.Object } progress)
        {
            foreach (var name in new[] { "running", "failed" })
            {
                if (Formats.Property(progress, name) is { ValueKind: JsonValueKind.Array } paths && paths.GetArrayLength() > 0)
                {
                    Row(name, Markup.Escape(string.Join(", ", paths.EnumerateArray().Select(p => p.ToString()))));
                }
            }

            if (Formats.Property(progress, "error") is { ValueKind: JsonValueKind.Object } error)
            {
                Row("error", $"[red]{Markup.Escape($"{Formats.Text(error, "type")}: {Formats.Text(error, "message")}")}[/]");
            }
        }

        Out.Write(grid);
        return ExitCodes.Ok;
    }
}
