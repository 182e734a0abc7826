using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Serverless.Cli.Commands;

/// <summary>One instance by id, or every instance a filter matches (a dry-run count unless <c>--yes</c>).</summary>
internal sealed class InstanceActionSettings : InstanceFilterSettings
{
    [CommandArgument(0, "[id]")]
    [Description("The instance id; without it, the filter options choose the instances.")]
    public string? Id { get; set; }

    [CommandOption("--reason <TEXT>")]
    [Description("Why (terminate, suspend, resume).")]
    public string? Reason { get; set; }

    [CommandOption("-y|--yes")]
    [Description("Act on every instance the filter matches; without it, only count them.")]
    public bool Yes { get; set; }

    public override ValidationResult Validate()
    {
        var filtered = HasFilter;
        if (Id is not null && filtered)
        {
            return ValidationResult.Error("Give an instance id or filter options, not both.");
        }

        return Id is null && !filtered
            ? ValidationResult.Error("Give an instance id, or filter options (--status, --workflow, --prefix, --created-after, --created-before) for a batch.")
            : base.Validate();
    }
}
