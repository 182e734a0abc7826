using System.Text.Json;

namespace Serverless.Cli.Api;

/// <summary>A 2xx answer: its status, its JSON body (<see cref="JsonValueKind.Undefined"/> when empty) and its continuation token.</summary>
internal sealed record ApiResponse(int Status, JsonElement Body, string? ContinuationToken);
