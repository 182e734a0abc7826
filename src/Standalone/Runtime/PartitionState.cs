namespace Serverless.Standalone.Runtime;

/// <summary>What this process may do with a partition.</summary>
internal enum PartitionState
{
    /// <summary>Another process (or none) holds the lease.</summary>
    NotOwned,
    /// <summary>This process holds the lease and takes new work.</summary>
    Owned,
    /// <summary>This process still holds the lease but is handing it over: in-flight work finishes, nothing new starts.</summary>
    Releasing,
}
