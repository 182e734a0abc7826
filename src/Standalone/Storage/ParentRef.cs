namespace Serverless.Standalone.Storage;

/// <summary>The parent of a child instance: where to report its end.</summary>
/// <param name="InstanceId">The parent instance.</param>
/// <param name="Path">The parent's workflow node path.</param>
internal sealed record ParentRef(string InstanceId, string Path);
