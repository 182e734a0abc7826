using System.Text.Json;

namespace Serverless.Engine.Testing;

/// <summary>What a test activity (or http stand-in) is called with.</summary>
/// <param name="InstanceId">The instance.</param>
/// <param name="Path">The node path.</param>
/// <param name="NodeId">The node id.</param>
/// <param name="Key">The idempotency key.</param>
/// <param name="Input">The evaluated input (for http: the evaluated request).</param>
public sealed record ActivityCall(string InstanceId, string Path, string NodeId, string Key, JsonElement Input);
