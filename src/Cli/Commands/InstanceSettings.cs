using System.ComponentModel;
using Spectre.Console.Cli;

namespace Serverless.Cli.Commands;

/// <summary>An instance id.</summary>
internal class InstanceSettings : GlobalSettings
{
    [CommandArgument(0, "<id>")]
    [Description("The instance id.")]
    public string Id { get; set; } = "";
}
