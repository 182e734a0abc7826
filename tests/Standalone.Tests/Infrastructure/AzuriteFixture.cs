using Serverless.Testing;

namespace Serverless.Standalone.Tests.Infrastructure;

/// <summary>
/// An Azurite of its own (tests/Infrastructure's <see cref="Azurite"/>: in-memory, free loopback ports) for the host
/// tests, with one shared in-process host for the tests that need no host of their own.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private readonly Dictionary<string, Task<InProcessHost>> _shared = new(StringComparer.Ordinal);
    private Azurite? _azurite;

    /// <summary>
    /// One in-process host per task hub (<c>shared</c> unless named), started on first use and kept for the tests that
    /// need no host of their own.
    /// </summary>
    public Task<InProcessHost> SharedHostAsync(string taskHub = "shared")
    {
        lock (_shared)
        {
            if (!_shared.TryGetValue(taskHub, out var host))
            {
                host = InProcessHost.StartAsync(ConnectionString, taskHub, new Dictionary<string, string?>
                {
                    ["Host:InlineStateLimit"] = "100000",
                });
                _shared[taskHub] = host;
            }

            return host;
        }
    }

    public string ConnectionString => _azurite?.ConnectionString ?? string.Empty;

    public static string RepoRoot => Azurite.RepoRoot;

    public static int[] FreePorts(int count) => Azurite.FreePorts(count);

    public async Task InitializeAsync() => _azurite = await Azurite.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var host in _shared.Values.Where(h => h.IsCompletedSuccessfully))
        {
            await (await host).DisposeAsync();
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
