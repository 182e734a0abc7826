using Serverless.Standalone.Storage;

namespace Serverless.Standalone.Runtime;

/// <summary>One save of group commit: the record to write (with the ETag of the previous save) and the version it covers.</summary>
/// <param name="Record">The latest record, carrying the ETag and state blob of the last successful save.</param>
/// <param name="Version">The actor's version the record holds: every batch up to it is covered.</param>
internal sealed record PendingSave(InstanceRecord Record, long Version);
