using System.ComponentModel;
using Serverless.Cli.Api;
using Serverless.Cli.Rendering;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Serverless.Cli.Commands;

/// <summary>
/// <c>trace &lt;id&gt; [--follow]</c>: the instance as a tree of nodes, iterations and child workflows. With
/// <c>--follow</c> on a terminal the tree is redrawn in place (Spectre's live display) at every change the long-poll
/// reports, until the instance is final; elsewhere each status change is a line and the final tree follows.
/// </summary>
internal sealed class TraceCommand(IAnsiConsole console) : ApiCommand<TraceCommand.Settings>(console)
{
    protected override async Task<int> RunAsync(Settings settings, WorkflowsApiClient client, CancellationToken cancellationToken)
    {
        var snapshot = await InstanceSnapshot.LoadAsync(client, settings.Id, null, cancellationToken);
        if (settings.Follow)
        {
            var live = Out.Profile.Capabilities is { Ansi: true, Interactive: true } && !settings.NoColor && settings.Output == OutputFormat.Text;
            if (live)
            {
                await Out.Live(InstanceTree.Build(snapshot, DateTimeOffset.UtcNow)).StartAsync(async context =>
                {
                    // A live display draws on refresh only: the tree shows now, not at the instance's first change.
                    context.Refresh();
                    await InstanceFollower.FollowAsync(client, settings.Id, snapshot.Status, null, async status =>
                    {
                        snapshot = await InstanceSnapshot.LoadAsync(client, settings.Id, status, cancellationToken);
                        context.UpdateTarget(InstanceTree.Build(snapshot, DateTimeOffset.UtcNow));
                        context.Refresh();
                    }, cancellationToken);
                });
                return ExitCodes.Ok;
            }

            var shown = snapshot.RuntimeStatus;
            var final = await InstanceFollower.FollowAsync(client, settings.Id, snapshot.Status, null, status =>
            {
                var runtime = Formats.Text(status, "runtimeStatus");
                if (runtime != shown && settings.Output == OutputFormat.Text)
                {
                    Out.MarkupLine($"{StatusStyle.Icon(runtime)} {Markup.Escape(runtime ?? "")}");
                }

                shown = runtime;
                return Task.CompletedTask;
            }, cancellationToken);
            snapshot = await InstanceSnapshot.LoadAsync(client, settings.Id, final, cancellationToken);
        }

        if (settings.Output == OutputFormat.Text)
        {
            Out.Write(InstanceTree.Build(snapshot, DateTimeOffset.UtcNow));
        }
        else
        {
            JsonOutput.Write(Out, ToJson(snapshot));
        }

        return ExitCodes.Ok;
    }

    private static object ToJson(InstanceSnapshot snapshot) => new
    {
        status = snapshot.Status,
        nodes = snapshot.Nodes,
        children = snapshot.Children.ToDictionary(c => c.Key, c => ToJson(c.Value), StringComparer.Ordinal),
    };

    /// <summary>The options of <c>trace</c>.</summary>
    public sealed class Settings : InstanceSettings
    {
        [CommandOption("-f|--follow")]
        [Description("Redraw until the instance is final.")]
        public bool Follow { get; set; }
    }
}
