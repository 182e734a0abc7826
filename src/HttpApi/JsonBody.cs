using System.Text.Json;
using Serverless.Engine.Api;

namespace Serverless.HttpApi;

/// <summary>A JSON body as <see cref="RequestBodies.ReadJsonAsync"/> read it: its value, or the error to answer.</summary>
/// <param name="Value">The body's JSON value (<c>null</c> for an empty body); default when <paramref name="Error"/> is set.</param>
/// <param name="Error">Why the body is refused: 415, 413 or 400.</param>
internal readonly record struct JsonBody(JsonElement Value, ApiError? Error);
