namespace Serverless.Engine.Execution;

/// <summary>
/// Looks up the value of a <c>${{ secrets.NAME }}</c> token when an <c>http</c> node runs. Values are never stored:
/// the executor resolves them per attempt and redacts them from everything it returns or logs.
/// </summary>
public interface ISecretProvider
{
    /// <summary>The value of secret <paramref name="name"/>, or null when there is none.</summary>
    ValueTask<string?> GetSecretAsync(string name, CancellationToken cancellationToken);
}
