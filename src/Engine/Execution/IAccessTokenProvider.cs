namespace Serverless.Engine.Execution;

/// <summary>
/// Gets bearer tokens for <c>http</c> nodes with <c>auth: {type: "managedIdentity", resource}</c>. A host registers
/// one (on Azure, backed by the app's managed identity); without one such nodes fail with <c>ValidationError</c>.
/// Tokens are treated like secrets: redacted from everything the executor returns or logs.
/// </summary>
public interface IAccessTokenProvider
{
    /// <summary>A bearer token whose audience is <paramref name="resource"/>.</summary>
    ValueTask<string> GetAccessTokenAsync(string resource, CancellationToken cancellationToken);
}
