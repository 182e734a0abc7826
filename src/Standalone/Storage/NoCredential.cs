using Azure.Core;

namespace Serverless.Standalone.Storage;

/// <summary>
/// The credential the storage clients are handed when the account is reached with a connection string, which signs its
/// own requests: never asked for a token.
/// </summary>
internal sealed class NoCredential : TokenCredential
{
    private const string Never = "A storage account reached with a connection string has no token credential.";

    private NoCredential()
    {
    }

    public static NoCredential Instance { get; } = new();

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        => throw new InvalidOperationException(Never);

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
        => throw new InvalidOperationException(Never);
}
