using System.ComponentModel;
using Spectre.Console.Cli;

namespace Serverless.Cli.Commands;

/// <summary>A workflow name and an optional version.</summary>
internal class WorkflowSettings : GlobalSettings
{
    [CommandArgument(0, "<workflow>")]
    [Description("The workflow's name.")]
    public string Workflow { get; set; } = "";

    [CommandOption("--version <N>")]
    [Description("A version (default: the latest).")]
    public int? Version { get; set; }
}
