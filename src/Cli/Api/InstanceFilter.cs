namespace Serverless.Cli.Api;

/// <summary>
/// The list route's filters. <see cref="Workflow"/> is not one of the route's: it asks for the prefix <c>{name}-</c>
/// (the generated ids') and keeps the rows whose <c>customStatus.workflow</c> is the name, as the web console does.
/// </summary>
internal sealed record InstanceFilter(
    IReadOnlyList<string> Statuses,
    string? Workflow,
    DateTimeOffset? CreatedFrom,
    DateTimeOffset? CreatedTo,
    string? Prefix)
{
    /// <summary>True when nothing is filtered.</summary>
    public bool IsEmpty => Statuses.Count == 0 && Workflow is null && CreatedFrom is null && CreatedTo is null && Prefix is null;

    /// <summary>The id prefix sent to the route: <see cref="Prefix"/>, else <c>{Workflow}-</c>.</summary>
    public string? RoutePrefix => Prefix ?? (Workflow is null ? null : Workflow + "-");
}
