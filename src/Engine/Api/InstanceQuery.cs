using Serverless.Engine.Definitions;

namespace Serverless.Engine.Api;

/// <summary>The filter of <c>GET .../instances</c>.</summary>
/// <param name="Statuses">Runtime statuses to include; empty means all.</param>
/// <param name="CreatedFrom">Inclusive lower bound of the created time.</param>
/// <param name="CreatedTo">Exclusive upper bound of the created time.</param>
/// <param name="InstanceIdPrefix">Instance id prefix.</param>
/// <param name="Top">Page size.</param>
internal sealed record InstanceQuery(
    IReadOnlyList<Decisions.InstanceStatus> Statuses,
    DateTimeOffset? CreatedFrom,
    DateTimeOffset? CreatedTo,
    string? InstanceIdPrefix,
    int Top)
{
    /// <summary>Page size when <c>top</c> is absent.</summary>
    public const int DefaultTop = 100;

    /// <summary>Largest page.</summary>
    public const int MaxTop = 1000;

    /// <summary>Parses the query parameters of <c>GET .../instances</c>.</summary>
    public static ApiError? TryParse(string? runtimeStatus, string? createdTimeFrom, string? createdTimeTo, string? instanceIdPrefix, string? top, out InstanceQuery query)
    {
        query = new InstanceQuery([], null, null, null, DefaultTop);
        var errors = new List<ValidationError>();
        var statuses = new List<Decisions.InstanceStatus>();
        foreach (var part in (runtimeStatus ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (Enum.TryParse<Decisions.InstanceStatus>(part, ignoreCase: true, out var status) && !int.TryParse(part, out _))
            {
                statuses.Add(status);
            }
            else
            {
                errors.Add(new ValidationError("runtimeStatus", $"'{ApiValidation.Shorten(part)}' is not a runtime status (Pending, Running, Completed, Failed, Terminated, Suspended)."));
            }
        }

        var from = ParseTime(createdTimeFrom, "createdTimeFrom", errors);
        var to = ParseTime(createdTimeTo, "createdTimeTo", errors);
        var size = DefaultTop;
        if (!string.IsNullOrEmpty(top)
            && (!int.TryParse(top, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out size) || size < 1 || size > MaxTop))
        {
            errors.Add(new ValidationError("top", $"top must be an integer from 1 to {MaxTop}."));
        }

        if (instanceIdPrefix is not null && instanceIdPrefix.Any(char.IsControl))
        {
            errors.Add(new ValidationError("instanceIdPrefix", $"'{ApiValidation.Shorten(instanceIdPrefix)}' has a control character; no instance id has one."));
        }

        if (errors.Count > 0)
        {
            return ApiError.Validation("The instance query is invalid.", errors);
        }

        query = new InstanceQuery(statuses, from, to, string.IsNullOrEmpty(instanceIdPrefix) ? null : instanceIdPrefix, size);
        return null;
    }

    private static DateTimeOffset? ParseTime(string? text, string name, List<ValidationError> errors)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal, out var value))
        {
            return value;
        }

        errors.Add(new ValidationError(name, $"'{ApiValidation.Shorten(text)}' is not an ISO 8601 timestamp."));
        return null;
    }
}
