using System.Text.Json;

namespace Serverless.Engine.Decisions;

/// <summary>An event raised for the instance and not yet consumed.</summary>
/// <param name="Id">The event id.</param>
/// <param name="Payload">The JSON payload.</param>
public sealed record RaisedEvent(string Id, JsonElement Payload);
