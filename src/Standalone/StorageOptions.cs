using System.Text.RegularExpressions;

namespace Serverless.Standalone;

/// <summary>Storage settings.</summary>
public sealed class StorageOptions
{
    /// <summary>The Azure Storage connection string. <value>Default <c>UseDevelopmentStorage=true</c> (Azurite).</value></summary>
    public string ConnectionString { get; set; } = "UseDevelopmentStorage=true";

    /// <summary>The task hub: prefixes every table, queue and container. <value>Default <c>serverless</c>.</value></summary>
    public string TaskHub { get; set; } = "serverless";
}
