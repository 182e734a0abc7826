using System.ComponentModel;
using System.Text.Json;
using Serverless.Cli.Rendering;
using Serverless.Cli.Validation;
using Serverless.Engine.Definitions;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Serverless.Cli.Commands;

/// <summary><c>validate &lt;file&gt;</c>: the engine's own parser, offline; every error as <c>file:line:col: pointer: message</c>.</summary>
internal sealed class ValidateCommand(IAnsiConsole console) : Command<ValidateCommand.Settings>
{
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = File.ReadAllText(settings.File);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read '{settings.File}': {e.Message}", e);
        }

        var result = DefinitionParser.Parse(text);
        var errors = Locate(text, result.Errors);
        if (settings.Output != OutputFormat.Text)
        {
            JsonOutput.Write(console, new
            {
                file = settings.File,
                valid = result.IsValid,
                name = result.Definition?.Name,
                errors = errors.Select(e => new { path = e.Error.Path, message = e.Error.Message, line = e.Line, column = e.Column }),
            });
        }
        else if (result.IsValid)
        {
            console.MarkupLine($"[green]✔[/] {Markup.Escape(settings.File)}: valid ('{Markup.Escape(result.Definition!.Name)}', {result.Definition.Nodes.Length} nodes)");
        }
        else
        {
            foreach (var (error, line, column) in errors)
            {
                JsonOutput.Line(console, FormattableString.Invariant(
                    $"{settings.File}:{line}:{column}: {(error.Path.Length == 0 ? "(root)" : error.Path)}: {error.Message}"));
            }

            console.MarkupLine($"[red]✘[/] {errors.Count} error(s)");
        }

        return result.IsValid ? ExitCodes.Ok : ExitCodes.Error;
    }

    private static List<(ValidationError Error, int Line, int Column)> Locate(string text, IEnumerable<ValidationError> errors)
    {
        try
        {
            var locator = JsonPointerLocator.Create(text);
            return [.. errors.Select(e => Located(e, locator.Locate(e.Path)))];
        }
        catch (JsonException e)
        {
            // Not JSON: the parser's one error is where the reader stopped.
            var at = ((int)(e.LineNumber ?? 0) + 1, (int)(e.BytePositionInLine ?? 0) + 1);
            return [.. errors.Select(error => Located(error, at))];
        }
    }

    private static (ValidationError, int, int) Located(ValidationError error, (int Line, int Column) at) => (error, at.Line, at.Column);

    /// <summary>The options of <c>validate</c>.</summary>
    public sealed class Settings : GlobalSettings
    {
        [CommandArgument(0, "<file>")]
        [Description("The definition (JSON).")]
        public string File { get; set; } = "";
    }
}
