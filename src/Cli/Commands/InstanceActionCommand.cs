using Serverless.Cli.Api;
using Serverless.Cli.Rendering;
using Spectre.Console;

namespace Serverless.Cli.Commands;

/// <summary>
/// An action on one instance, or the batch form: the instances a filter matches are counted (a dry run) and, with
/// <c>--yes</c>, each is acted on; any that refuses makes exit code 1 after the others were tried.
/// </summary>
internal abstract class InstanceActionCommand(IAnsiConsole console) : ApiCommand<InstanceActionSettings>(console)
{
    /// <summary>The action's verb, in the past tense for reports: "terminated".</summary>
    protected abstract string Done { get; }

    /// <summary>The action's verb: "terminate".</summary>
    protected abstract string Verb { get; }

    /// <summary>Acts on one instance.</summary>
    protected abstract Task<ApiResponse> ActAsync(WorkflowsApiClient client, string id, string? reason, CancellationToken cancellationToken);

    protected sealed override async Task<int> RunAsync(InstanceActionSettings settings, WorkflowsApiClient client, CancellationToken cancellationToken)
    {
        if (settings.Id is { } id)
        {
            var response = await ActAsync(client, id, settings.Reason, cancellationToken);
            if (settings.Output == OutputFormat.Text)
            {
                Out.MarkupLine($"[green]✔[/] {Done} {Markup.Escape(id)}");
            }
            else
            {
                JsonOutput.Write(Out, new { id, action = Verb, status = response.Status, body = response.Body.ValueKind == System.Text.Json.JsonValueKind.Undefined ? (object?)null : response.Body });
            }

            return ExitCodes.Ok;
        }

        var ids = new List<string>();
        await foreach (var row in client.ListInstancesAsync(settings.ToFilter(), settings.Limit, settings.PageSize, cancellationToken))
        {
            ids.Add(Formats.Text(row, "instanceId")!);
        }

        if (!settings.Yes)
        {
            if (settings.Output == OutputFormat.Text)
            {
                Out.MarkupLine($"{ids.Count} instance(s) match; run again with --yes to {Verb} them (dry run, nothing changed).");
            }
            else
            {
                JsonOutput.Write(Out, new { action = Verb, dryRun = true, count = ids.Count, ids });
            }

            return ExitCodes.Ok;
        }

        var failures = new List<object>();
        foreach (var each in ids)
        {
            try
            {
                await ActAsync(client, each, settings.Reason, cancellationToken);
            }
            catch (ApiException e)
            {
                failures.Add(new { id = each, error = e.Message });
                if (settings.Output == OutputFormat.Text)
                {
                    Out.MarkupLine($"[red]✘[/] {Markup.Escape(each)}: {Markup.Escape(e.Message)}");
                }
            }
        }

        if (settings.Output == OutputFormat.Text)
        {
            Out.MarkupLine($"{Done} {ids.Count - failures.Count} of {ids.Count} instance(s)");
        }
        else
        {
            JsonOutput.Write(Out, new { action = Verb, dryRun = false, count = ids.Count, done = ids.Count - failures.Count, failures });
        }

        return failures.Count == 0 ? ExitCodes.Ok : ExitCodes.Error;
    }
}
