using System.Text.Json.Nodes;
using Serverless.Testing;

namespace Serverless.Standalone.Bench;

/// <summary>
/// The storage one target runs on: a private Azurite (the pinned version from <c>.tools</c>, disk persistence in a temp
/// folder as <c>scripts/run-local.sh</c> runs it, or in memory), or the account in <c>SERVERLESS_BENCH_CONNECTION</c>.
/// </summary>
internal sealed class BenchStorage : IAsyncDisposable
{
    private readonly Azurite? _azurite;
    private readonly string? _folder;

    private BenchStorage(Azurite? azurite, string? folder, string connectionString, string description)
    {
        _azurite = azurite;
        _folder = folder;
        ConnectionString = connectionString;
        Description = description;
    }

    /// <summary>The connection string.</summary>
    public string ConnectionString { get; }

    /// <summary>What the storage is, for the output (version and persistence mode).</summary>
    public string Description { get; }

    /// <summary>Starts a private Azurite, unless <c>SERVERLESS_BENCH_CONNECTION</c> names an account.</summary>
    public static async Task<BenchStorage> StartAsync(bool inMemory, CancellationToken cancellationToken)
    {
        var external = Environment.GetEnvironmentVariable("SERVERLESS_BENCH_CONNECTION");
        if (!string.IsNullOrEmpty(external))
        {
            return new BenchStorage(null, null, external, "the account in SERVERLESS_BENCH_CONNECTION");
        }

        var folder = inMemory ? null : Directory.CreateTempSubdirectory("azurite-bench-").FullName;
        var azurite = await Azurite.StartAsync(folder, cancellationToken);
        var description = $"Azurite {AzuriteVersion()}, " + (inMemory ? "--inMemoryPersistence" : $"disk persistence in {folder}");
        return new BenchStorage(azurite, folder, azurite.ConnectionString, description);
    }

    /// <summary>Stops Azurite and deletes its data folder.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }

        if (_folder is not null)
        {
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
                // A temp folder left behind is harmless.
            }
        }
    }

    private static string AzuriteVersion()
    {
        var package = Path.Combine(Azurite.RepoRoot, ".tools", "node_modules", "azurite", "package.json");
        return File.Exists(package) ? JsonNode.Parse(File.ReadAllText(package))?["version"]?.GetValue<string>() ?? "?" : "?";
    }
}
