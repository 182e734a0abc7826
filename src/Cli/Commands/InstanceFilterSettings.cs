using System.ComponentModel;
using System.Globalization;
using Serverless.Cli.Api;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Serverless.Cli.Commands;

/// <summary>The list route's filters, for <c>list</c> and the batch forms.</summary>
internal class InstanceFilterSettings : GlobalSettings
{
    [CommandOption("--status <STATUS>")]
    [Description("Only these runtime statuses (Running, Completed, Failed, Terminated, Suspended, Pending); repeat or comma-separate.")]
    public string[] Status { get; set; } = [];

    [CommandOption("--workflow <NAME>")]
    [Description("Only instances of this workflow.")]
    public string? Workflow { get; set; }

    [CommandOption("--created-after <TIME>")]
    [Description("Only instances created at or after this ISO 8601 time.")]
    public string? CreatedAfter { get; set; }

    [CommandOption("--created-before <TIME>")]
    [Description("Only instances created before this ISO 8601 time.")]
    public string? CreatedBefore { get; set; }

    [CommandOption("--prefix <PREFIX>")]
    [Description("Only instance ids starting with this.")]
    public string? Prefix { get; set; }

    [CommandOption("--limit <N>")]
    [Description("At most this many instances.")]
    public int? Limit { get; set; }

    [CommandOption("--page-size <N>")]
    [Description("Instances asked for per request (1 to 1000).")]
    [DefaultValue(100)]
    public int PageSize { get; set; } = 100;

    /// <summary>The filter these options make.</summary>
    public InstanceFilter ToFilter() => new(
        [.. Status.SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))],
        Workflow,
        ParseTime(CreatedAfter, "--created-after"),
        ParseTime(CreatedBefore, "--created-before"),
        Prefix);

    /// <summary>Whether any filter option is given: the batch form of an action. One that does not parse counts as none.</summary>
    protected bool HasFilter
    {
        get
        {
            try
            {
                return !ToFilter().IsEmpty;
            }
            catch (CliException)
            {
                return false;
            }
        }
    }

    public override ValidationResult Validate()
    {
        if (Limit is < 1)
        {
            return ValidationResult.Error("--limit must be at least 1.");
        }

        if (PageSize is < 1 or > WorkflowsApiClient.MaxPageSize)
        {
            return ValidationResult.Error("--page-size must be from 1 to 1000.");
        }

        foreach (var (value, name) in new[] { (CreatedAfter, "--created-after"), (CreatedBefore, "--created-before") })
        {
            if (value is not null && !DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _))
            {
                return ValidationResult.Error($"{name} is not an ISO 8601 time: '{value}'.");
            }
        }

        return base.Validate();
    }

    private static DateTimeOffset? ParseTime(string? value, string name)
        => value is null
            ? null
            : DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
                ? time
                : throw new CliException($"{name} is not an ISO 8601 time: '{value}'.");
}
