using Serverless.Cli.Api;
using Serverless.Cli.Rendering;
using Spectre.Console;

namespace Serverless.Cli.Commands;

/// <summary>
/// The batch form of an instance action: the instances a filter matches are counted (a dry run) and, with
/// <c>--yes</c>, each is acted on; any that refuses makes exit code 1 after the others were tried.
/// </summary>
internal static class InstanceBatch
{
    /// <summary>
    /// Counts the instances <paramref name="filter"/> matches or, with <paramref name="yes"/>, runs
    /// <paramref name="act"/> on each; <paramref name="verb"/> ("terminate") and <paramref name="done"/>
    /// ("terminated") word the report.
    /// </summary>
    public static async Task<int> RunAsync(
        IAnsiConsole console,
        WorkflowsApiClient client,
        InstanceFilterSettings filter,
        bool yes,
        string verb,
        string done,
        Func<string, Task> act,
        CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        await foreach (var row in client.ListInstancesAsync(filter.ToFilter(), filter.Limit, filter.PageSize, cancellationToken))
        {
            ids.Add(Formats.Text(row, "instanceId")!);
        }

        if (!yes)
        {
            if (filter.Output == OutputFormat.Text)
            {
                console.MarkupLine($"{ids.Count} instance(s) match; run again with --yes to {Markup.Escape(verb)} them (dry run, nothing changed).");
            }
            else
            {
                JsonOutput.Write(console, new { action = verb, dryRun = true, count = ids.Count, ids });
            }

            return ExitCodes.Ok;
        }

        var failures = new List<object>();
        foreach (var each in ids)
        {
            try
            {
                await act(each);
            }
            catch (ApiException e)
            {
                failures.Add(new { id = each, error = e.Message });
                if (filter.Output == OutputFormat.Text)
                {
                    console.MarkupLine($"[red]✘[/] {Markup.Escape(each)}: {Markup.Escape(e.Message)}");
                }
            }
        }

        if (filter.Output == OutputFormat.Text)
        {
            console.MarkupLine($"{Markup.Escape(done)} {ids.Count - failures.Count} of {ids.Count} instance(s)");
        }
        else
        {
            JsonOutput.Write(console, new { action = verb, dryRun = false, count = ids.Count, done = ids.Count - failures.Count, failures });
        }

        return failures.Count == 0 ? ExitCodes.Ok : ExitCodes.Error;
    }
}
