using System.Text.Json.Nodes;

namespace Serverless.HttpApi;

/// <summary>One page of <see cref="IInstanceBackend.ListAsync"/>.</summary>
/// <param name="Items">The status objects of the page, unordered; possibly none even when more remain.</param>
/// <param name="ContinuationToken">The token for the next page; null when no more remain.</param>
internal sealed record InstanceStatusPage(IReadOnlyList<JsonObject> Items, string? ContinuationToken);
