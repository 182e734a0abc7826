using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Serverless.Cli.Api;
using Serverless.Cli.Rendering;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Serverless.Cli.Commands;

/// <summary>
/// <c>run</c>: start, follow with the long-poll, print the output. Exit 0 completed, 2 failed, 3 terminated or
/// <c>--timeout</c> passed (the instance goes on running).
/// </summary>
internal sealed class RunCommand(IAnsiConsole console) : ApiCommand<RunCommand.Settings>(console)
{
    protected override async Task<int> RunAsync(Settings settings, WorkflowsApiClient client, CancellationToken cancellationToken)
    {
        var input = JsonArgument.Read(settings.Input, "--input");
        var deadline = settings.TimeoutSpan is { } timeout ? DateTimeOffset.UtcNow + timeout : (DateTimeOffset?)null;
        var started = await client.StartAsync(settings.Workflow, input, settings.Id, settings.Version, cancellationToken);
        var id = Formats.Text(started, "id")!;
        var text = settings.Output == OutputFormat.Text;
        if (text)
        {
            Out.MarkupLine($"started [bold]{Markup.Escape(id)}[/]");
        }

        var status = await client.GetStatusAsync(id, cancellationToken);
        var shown = Formats.Text(status, "runtimeStatus");
        status = await InstanceFollower.FollowAsync(client, id, status, deadline, s =>
        {
            var runtime = Formats.Text(s, "runtimeStatus");
            if (text && runtime != shown && !StatusStyle.IsFinal(runtime))
            {
                Out.MarkupLine($"{StatusStyle.Icon(runtime)} {Markup.Escape(runtime ?? "")}");
            }

            shown = runtime;
            return Task.CompletedTask;
        }, cancellationToken);

        var final = Formats.Text(status, "runtimeStatus");
        if (!text)
        {
            JsonOutput.Write(Out, status);
        }
        else if (StatusStyle.IsFinal(final))
        {
            Out.MarkupLine(InstanceTree.InstanceLabel(status));
            var output = Formats.Property(status, "output");
            if (final == "Completed")
            {
                JsonOutput.Write(Out, output ?? default);
            }
            else if (Formats.Property(status, "customStatus") is { ValueKind: JsonValueKind.Object } custom
                && Formats.Property(custom, "error") is { ValueKind: JsonValueKind.Object } error)
            {
                Out.MarkupLine($"[red]{Markup.Escape($"{Formats.Text(error, "type")}: {Formats.Text(error, "message")}")}[/]");
            }
            else if (output is { } reason)
            {
                Out.MarkupLine($"[red]{Markup.Escape(reason.ToString())}[/]");
            }
        }
        else
        {
            Out.MarkupLine($"[red]timed out[/] after {Markup.Escape(settings.Timeout ?? "")}: {Markup.Escape(id)} is {Markup.Escape(final ?? "")}");
        }

        return final switch
        {
            "Completed" => ExitCodes.Ok,
            "Failed" => ExitCodes.Failed,
            _ => ExitCodes.TerminatedOrTimedOut,
        };
    }

    /// <summary>The options of <c>run</c>.</summary>
    public sealed class Settings : StartSettings
    {
        [CommandOption("--timeout <DURATION>")]
        [Description("Stop following after this long (30s, 5m, 1h, or seconds) with exit code 3; the instance goes on.")]
        public string? Timeout { get; set; }

        /// <summary><see cref="Timeout"/> as a span.</summary>
        public TimeSpan? TimeoutSpan => Timeout is null ? null : ParseDuration(Timeout);

        public override ValidationResult Validate()
            => Timeout is not null && ParseDuration(Timeout) is null
                ? ValidationResult.Error($"--timeout must be a duration such as 30s, 5m or 1h, not '{Timeout}'.")
                : base.Validate();

        private static TimeSpan? ParseDuration(string text)
        {
            if (text.Length == 0)
            {
                return null;
            }

            var unit = char.IsLetter(text[^1]) ? text[^1] : 's';
            var number = char.IsLetter(text[^1]) ? text[..^1] : text;
            if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value <= 0)
            {
                return null;
            }

            return unit switch
            {
                's' => TimeSpan.FromSeconds(value),
                'm' => TimeSpan.FromMinutes(value),
                'h' => TimeSpan.FromHours(value),
                _ => null,
            };
        }
    }
}
