using System.Text.Json.Nodes;

namespace Serverless.Engine.Api;

/// <summary>One page of <c>GET /api/instances/{id}/nodes</c>.</summary>
/// <param name="Items">The nodes of the page.</param>
/// <param name="ContinuationToken">The token for the next page, or null at the end.</param>
internal sealed record NodeDetailsPage(JsonArray Items, string? ContinuationToken);
