using System.Text.Json.Nodes;

namespace Serverless.HttpApi;

/// <summary>What <see cref="IInstanceBackend.GetStatusAsync"/> found.</summary>
/// <param name="Status">The status object.</param>
/// <param name="IsFinal">True once the instance is Completed, Failed or Terminated (200); otherwise the answer is 202.</param>
internal sealed record InstanceStatusAnswer(JsonObject Status, bool IsFinal);
