using Serverless.Testing;

namespace Serverless.Host.Tests.Infrastructure;

/// <summary>
/// An Azurite of its own (tests/Infrastructure's <see cref="Azurite"/>: in-memory, free loopback ports) for the host
/// tests, with one shared in-process host for the tests that need no host of their own.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private Azurite? _azurite;
    private Task<InProcessHost>? _shared;

    /// <summary>One in-process host (task hub <c>shared</c>) for the tests that need no host of their own.</summary>
    public Task<InProcessHost> SharedHostAsync()
    {
        lock (this)
        {
            return _shared ??= InProcessHost.StartAsync(ConnectionString, "shared", new Dictionary<string, string?>
            {
                ["Host:InlineStateLimit"] = "100000",
            });
        }
    }

    public string ConnectionString => _azurite?.ConnectionString ?? string.Empty;

    public static string RepoRoot => Azurite.RepoRoot;

    public static int[] FreePorts(int count) => Azurite.FreePorts(count);

    public async Task InitializeAsync() => _azurite = await Azurite.StartAsync();

    public async Task DisposeAsync()
    {
        if (_shared is { IsCompletedSuccessfully: true })
        {
            await (await _shared).DisposeAsync();
        }

        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
