using Microsoft.Extensions.Configuration;

namespace Serverless.Engine.Execution;

/// <summary>
/// The default <see cref="ISecretProvider"/>: reads configuration key <c>Secrets:NAME</c> (app setting or environment
/// variable <c>Secrets__NAME</c>; in Azure a Key Vault reference fills it). Only that section is readable, so a
/// workflow cannot read other settings such as storage connection strings.
/// </summary>
internal sealed class ConfigurationSecretProvider(IConfiguration? configuration) : ISecretProvider
{
    /// <summary>The configuration section secrets live in.</summary>
    public const string Section = "Secrets";

    public ValueTask<string?> GetSecretAsync(string name, CancellationToken cancellationToken) =>
        ValueTask.FromResult(configuration?[$"{Section}:{name}"]);
}
