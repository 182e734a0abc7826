namespace Serverless.Cli.Configuration;

/// <summary>Where the API is and the key to send (never printed: <see cref="ToString"/> leaves it out).</summary>
internal sealed record CliConnection(Uri Endpoint, string? Key)
{
    public override string ToString() => Endpoint.ToString();
}
