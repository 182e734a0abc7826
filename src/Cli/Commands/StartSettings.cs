using System.ComponentModel;
using Spectre.Console.Cli;

namespace Serverless.Cli.Commands;

/// <summary>The options of <c>start</c> and <c>run</c>.</summary>
internal class StartSettings : WorkflowSettings
{
    [CommandOption("--input <JSON>")]
    [Description("The input: JSON, or @file (@- for standard input). Default null.")]
    public string? Input { get; set; }

    [CommandOption("--id <ID>")]
    [Description("The instance id (default: {workflow}-{32 hex digits}, chosen by the host).")]
    public string? Id { get; set; }
}
