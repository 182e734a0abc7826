using System.ComponentModel.DataAnnotations;
using Serverless.Standalone.Storage;

namespace Serverless.Standalone;

/// <summary>
/// Storage settings: a connection string (Azurite by default), or an identity-based connection, where
/// <see cref="AccountName"/> or the three service URIs name the account and the clients authenticate with a token
/// credential that Microsoft.Extensions.Azure builds from this section: <c>Credential</c> (<c>managedidentity</c>,
/// <c>workloadidentity</c>, ...), <c>ClientId</c> of a user-assigned identity, <c>TenantId</c>; without them,
/// <c>DefaultAzureCredential</c> (managed identity on Azure, the developer's sign-in locally).
/// </summary>
public sealed class StorageOptions : IValidatableObject
{
    /// <summary>
    /// The Azure Storage connection string, used unless <see cref="AccountName"/> or the service URIs are set.
    /// </summary>
    /// <value>Defaults to <c>UseDevelopmentStorage=true</c> (Azurite).</value>
    public string ConnectionString { get; set; } = "UseDevelopmentStorage=true";

    /// <summary>
    /// The storage account for an identity-based connection: its endpoints are
    /// <c>https://{AccountName}.{blob|queue|table}.core.windows.net</c> unless a service URI below says otherwise.
    /// </summary>
    /// <value>Defaults to none (the connection string is used).</value>
    [RegularExpression("^[a-z0-9]{3,24}$", ErrorMessage = "Host:Storage:AccountName must be 3 to 24 lower-case letters and digits.")]
    public string? AccountName { get; set; }

    /// <summary>The table service endpoint of an identity-based connection (<c>https://{account}.table.core.windows.net</c>).</summary>
    /// <value>Defaults to none (derived from <see cref="AccountName"/>).</value>
    public Uri? TableServiceUri { get; set; }

    /// <summary>The queue service endpoint of an identity-based connection (<c>https://{account}.queue.core.windows.net</c>).</summary>
    /// <value>Defaults to none (derived from <see cref="AccountName"/>).</value>
    public Uri? QueueServiceUri { get; set; }

    /// <summary>The blob service endpoint of an identity-based connection (<c>https://{account}.blob.core.windows.net</c>).</summary>
    /// <value>Defaults to none (derived from <see cref="AccountName"/>).</value>
    public Uri? BlobServiceUri { get; set; }

    /// <summary>The task hub: prefixes every table, queue and container. 3 to 40 characters: a lower-case letter, then lower-case letters and digits.</summary>
    /// <value>Defaults to <c>serverless</c>.</value>
    [Required(ErrorMessage = TaskHubRule)]
    [RegularExpression("^[a-z][a-z0-9]{2,39}$", ErrorMessage = TaskHubRule)]
    public string TaskHub { get; set; } = "serverless";

    private const string TaskHubRule = "Host:Storage:TaskHub must be 3 to 40 characters: a lower-case letter, then lower-case letters and digits.";

    /// <summary>The account and how to reach it: the connection string, or the identity-based endpoints.</summary>
    internal StorageAccount Account() =>
        UsesIdentity
            ? StorageAccount.WithIdentity(AccountName, TableServiceUri, QueueServiceUri, BlobServiceUri)
            : StorageAccount.WithConnectionString(ConnectionString);

    private bool UsesIdentity => AccountName is not null || TableServiceUri is not null || QueueServiceUri is not null || BlobServiceUri is not null;

    /// <inheritdoc/>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (!UsesIdentity)
        {
            if (string.IsNullOrWhiteSpace(ConnectionString))
            {
                yield return new ValidationResult("Host:Storage:ConnectionString is required.", [nameof(ConnectionString)]);
            }

            yield break;
        }

        if (AccountName is null && (TableServiceUri is null || QueueServiceUri is null || BlobServiceUri is null))
        {
            yield return new ValidationResult(
                "Host:Storage:AccountName, or all of TableServiceUri, QueueServiceUri and BlobServiceUri, must be set for an identity-based connection.",
                [nameof(AccountName)]);
        }

        foreach (var (name, uri) in new[] { (nameof(TableServiceUri), TableServiceUri), (nameof(QueueServiceUri), QueueServiceUri), (nameof(BlobServiceUri), BlobServiceUri) })
        {
            if (uri is not null && (!uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)))
            {
                yield return new ValidationResult($"Host:Storage:{name} must be an absolute http(s) URI.", [name]);
            }
        }
    }
}
