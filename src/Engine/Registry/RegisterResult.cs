using Serverless.Engine.Api;

namespace Serverless.Engine.Registry;

/// <summary>The outcome of registering a definition.</summary>
/// <param name="Error">Why it was refused, or null.</param>
/// <param name="Name">The workflow name.</param>
/// <param name="Version">The version the document now has.</param>
/// <param name="Created">True for a new version (201), false when equal to the latest (200).</param>
internal sealed record RegisterResult(ApiError? Error, string Name, int Version, bool Created);
