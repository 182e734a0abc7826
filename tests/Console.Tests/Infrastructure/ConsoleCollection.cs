namespace Serverless.Console.Tests.Infrastructure;

/// <summary>The console tests: one <see cref="ConsoleFixture"/> (Azurite, the host, the browser) for all of them.</summary>
[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleFixture>
{
    public const string Name = "console";
}
