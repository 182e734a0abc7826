namespace Serverless.Cli.Tests.Infrastructure;

/// <summary>The tests that share one host (<see cref="CliFixture"/>).</summary>
[CollectionDefinition(Name)]
public sealed class CliCollection : ICollectionFixture<CliFixture>
{
    public const string Name = "cli";
}
