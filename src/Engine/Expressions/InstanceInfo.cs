namespace Serverless.Engine.Expressions;

/// <summary>The <c>instance</c> object expressions see.</summary>
/// <param name="Id">The instance id.</param>
/// <param name="Workflow">The workflow name.</param>
/// <param name="Version">The pinned version.</param>
/// <param name="StartedAt">When the instance started.</param>
internal sealed record InstanceInfo(string Id, string Workflow, int Version, DateTimeOffset StartedAt);
