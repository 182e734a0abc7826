using Serverless.Cli.Api;
using Serverless.Cli.Commands;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Serverless.Cli;

/// <summary>The commands of <c>swf</c> and how their errors are shown; the program and the tests configure an app with it.</summary>
internal static class CliApp
{
    /// <summary>A console over <paramref name="writer"/>; <paramref name="plain"/> turns off colors, ANSI and live redraws.</summary>
    public static IAnsiConsole CreateConsole(TextWriter writer, bool plain) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(writer),
        Ansi = plain ? AnsiSupport.No : AnsiSupport.Detect,
        ColorSystem = plain ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
        Interactive = plain ? InteractionSupport.No : InteractionSupport.Detect,
    });

    /// <summary>Adds every command to <paramref name="config"/>; errors are written to <paramref name="errors"/> with exit code 1.</summary>
    public static void Configure(IConfigurator config, IAnsiConsole errors)
    {
        config.SetApplicationName("swf");
        config.SetExceptionHandler((exception, _) => ReportError(errors, exception));
        config.AddCommand<ValidateCommand>("validate").WithDescription("Check a definition offline: every error with its JSON pointer, line and column.");
        config.AddCommand<RegisterCommand>("register").WithDescription("Register a definition; prints its version.");
        config.AddBranch("workflows", workflows =>
        {
            workflows.SetDescription("Registered workflows.");
            workflows.AddCommand<WorkflowsListCommand>("list").WithDescription("Every workflow with its latest version.");
            workflows.AddCommand<WorkflowsShowCommand>("show").WithDescription("A workflow's definition (latest or --version).");
            workflows.AddCommand<WorkflowsDiagramCommand>("diagram").WithDescription("A workflow as Mermaid or a text tree.");
        });
        config.AddCommand<StartCommand>("start").WithDescription("Start an instance; prints its id.");
        config.AddCommand<RunCommand>("run").WithDescription("Start an instance, follow it, print its output (exit 0 completed, 2 failed, 3 terminated or timed out).");
        config.AddCommand<ListCommand>("list").WithDescription("Instances, filtered, paged through continuation tokens.");
        config.AddCommand<DescribeCommand>("describe").WithDescription("An instance's status.");
        config.AddCommand<NodesCommand>("nodes").WithDescription("An instance's nodes.");
        config.AddCommand<TraceCommand>("trace").WithDescription("A tree of an instance's nodes, iterations and children; --follow redraws it until final.");
        config.AddCommand<RaiseCommand>("raise").WithDescription("Raise an event on an instance.");
        config.AddCommand<TerminateCommand>("terminate").WithDescription("Terminate an instance, or every one a filter matches (--yes).");
        config.AddCommand<SuspendCommand>("suspend").WithDescription("Suspend an instance, or every one a filter matches (--yes).");
        config.AddCommand<ResumeCommand>("resume").WithDescription("Resume an instance, or every one a filter matches (--yes).");
        config.AddCommand<RerunCommand>("rerun").WithDescription("Rerun a failed instance, or every one a filter matches (--yes).");
        config.AddCommand<PurgeCommand>("purge").WithDescription("Purge a final instance, or every one a filter matches (--yes).");
    }

    private static int ReportError(IAnsiConsole errors, Exception exception)
    {
        if (exception is CommandAppException { Pretty: { } pretty })
        {
            errors.Write(pretty);
            return ExitCodes.Error;
        }

        Exception? known = (Exception?)Unwrap<CliException>(exception) ?? Unwrap<HttpRequestException>(exception);
        if (known is null && Unwrap<OperationCanceledException>(exception) is not null)
        {
            errors.MarkupLine("[red]error:[/] cancelled");
            return ExitCodes.Error;
        }

        errors.MarkupLine($"[red]error:[/] {Markup.Escape((known ?? exception).Message)}");
        if (known is ApiException api)
        {
            foreach (var (path, message) in api.Details)
            {
                errors.MarkupLine($"  [yellow]{Markup.Escape(path.Length == 0 ? "(root)" : path)}[/]: {Markup.Escape(message)}");
            }
        }

        return ExitCodes.Error;
    }

    private static T? Unwrap<T>(Exception exception)
        where T : Exception
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }
        }

        return null;
    }
}
