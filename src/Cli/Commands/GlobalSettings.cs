using System.ComponentModel;
using Spectre.Console.Cli;

namespace Serverless.Cli.Commands;

/// <summary>The options every command takes.</summary>
internal class GlobalSettings : CommandSettings
{
    [CommandOption("--endpoint <URL>")]
    [Description("The API's base URL (default: SWF_ENDPOINT, the profile's, or http://127.0.0.1:7071).")]
    public string? Endpoint { get; set; }

    [CommandOption("--profile <NAME>")]
    [Description("A profile of the configuration file (default: SWF_PROFILE, or the file's \"default\").")]
    public string? Profile { get; set; }

    [CommandOption("--config <FILE>")]
    [Description("The configuration file (default: SWF_CONFIG, or ~/.config/serverless-workflows/cli.json).")]
    public string? ConfigFile { get; set; }

    [CommandOption("-o|--output <FORMAT>")]
    [Description("text (default), json or jsonl.")]
    [DefaultValue(OutputFormat.Text)]
    public OutputFormat Output { get; set; }

    [CommandOption("--no-color")]
    [Description("No colors or live redraws (also with NO_COLOR set, or when the output is not a terminal).")]
    public bool NoColor { get; set; }
}
