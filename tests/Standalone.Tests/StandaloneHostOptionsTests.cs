using System.Runtime.CompilerServices;
using Azure.Core;
using Azure.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Standalone.Storage;

namespace Serverless.Standalone.Tests;

public sealed class StandaloneHostOptionsTests
{
    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    private static ValidateOptionsResult Validate(StandaloneHostOptions options) =>
        new StandaloneHostOptionsValidator().Validate(Options.DefaultName, options);

    [Fact]
    public void Validate_Defaults_Succeed()
    {
        Assert.True(Validate(new StandaloneHostOptions()).Succeeded);
    }

    [Theory]
    [InlineData("Partitions", "0", "StandaloneHostOptions.Partitions")]
    [InlineData("Partitions", "65", "StandaloneHostOptions.Partitions")]
    [InlineData("LeaseDuration", "00:00:10", "StandaloneHostOptions.LeaseDuration")]
    [InlineData("LeaseRenewInterval", "00:00:08", "Host:LeaseRenewInterval must be positive and less than half of LeaseDuration.")]
    [InlineData("MaxPollInterval", "00:00:00", "StandaloneHostOptions.MaxPollInterval")]
    [InlineData("InMemoryTimerWindow", "2.00:00:00", "StandaloneHostOptions.InMemoryTimerWindow")]
    [InlineData("MaxDequeueCount", "0", "StandaloneHostOptions.MaxDequeueCount")]
    [InlineData("MaxConcurrentNodeWork", "0", "StandaloneHostOptions.MaxConcurrentNodeWork")]
    [InlineData("MaxForeachConcurrency", "99", "StandaloneHostOptions.MaxForeachConcurrency")]
    [InlineData("MaxQueuedEvents", "0", "StandaloneHostOptions.MaxQueuedEvents")]
    [InlineData("MaxPayloadBytes", "1023", "StandaloneHostOptions.MaxPayloadBytes")]
    [InlineData("MaxRequestTargetBytes", "65537", "StandaloneHostOptions.MaxRequestTargetBytes")]
    [InlineData("MaxRequestHeadersBytes", "1000", "StandaloneHostOptions.MaxRequestHeadersBytes")]
    [InlineData("LargeMessageThreshold", "49153", "StandaloneHostOptions.LargeMessageThreshold")]
    [InlineData("InlineStateLimit", "-1", "StandaloneHostOptions.InlineStateLimit")]
    [InlineData("StatusRetryAfterSeconds", "-1", "StandaloneHostOptions.StatusRetryAfterSeconds")]
    [InlineData("Storage:TaskHub", "Bad-Hub", "Host:Storage:TaskHub must be 3 to 40 characters")]
    [InlineData("Storage:ConnectionString", "", "Host:Storage:ConnectionString is required.")]
    [InlineData("Storage:AccountName", "Not_An_Account", "Host:Storage:AccountName must be 3 to 24 lower-case letters and digits.")]
    [InlineData("Storage:TableServiceUri", "https://acct.table.core.windows.net", "Host:Storage:AccountName, or all of TableServiceUri, QueueServiceUri and BlobServiceUri")]
    public void Validate_BadSetting_NamesIt(string setting, string value, string message)
    {
        var options = new StandaloneHostOptions();
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [setting] = value }).Build().Bind(options);

        var result = Validate(options);

        Assert.True(result.Failed);
        Assert.Contains(message, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_IdentityBasedStorage_NeedsNoConnectionString()
    {
        var options = new StandaloneHostOptions { Storage = new StorageOptions { ConnectionString = "", AccountName = "acct" } };

        Assert.True(Validate(options).Succeeded);
    }

    [Theory]
    [InlineData("Host:Partitions", "0", "StandaloneHostOptions.Partitions")]
    [InlineData("Host:Storage:TaskHub", "x", "Host:Storage:TaskHub must be")]
    [InlineData("Executors:Http:MaxRedirects", "21", "WorkflowExecutorOptions.Http.MaxRedirects")]
    public async Task BuildAndStart_InvalidSetting_IsRefusedNamingIt(string setting, string value, string message)
    {
        // ValidateOnStart's failure, or the same failure met first by a service that building or starting the host
        // resolves (Kestrel reads the host's options; the executors re-throw theirs as InvalidOperationException).
        var ex = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var app = Build(new Dictionary<string, string?> { [setting] = value });
            await app.StartAsync(Timeout());
        });

        Assert.True(ex is OptionsValidationException or InvalidOperationException, ex.ToString());
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddStandaloneHost_AccountName_BuildsClientsWithATokenCredential()
    {
        await using var app = Build(new Dictionary<string, string?>
        {
            ["Host:Storage:AccountName"] = "acct",
            ["Host:Storage:Credential"] = "managedidentity",
            ["Host:Storage:ClientId"] = "00000000-0000-0000-0000-000000000001",
        });

        var storage = app.Services.GetRequiredService<TaskHubStorage>();

        Assert.Equal("https://acct.table.core.windows.net", storage.Instances.Uri.GetLeftPart(UriPartial.Authority));
        Assert.Equal("acct.queue.core.windows.net", storage.PoisonQueue.Uri.Host);
        Assert.Equal("acct.blob.core.windows.net", storage.Large.Uri.Host);

        // A shared key signs SAS URIs; a token credential cannot.
        Assert.False(storage.Large.CanGenerateSasUri);
        Assert.False(storage.PoisonQueue.CanGenerateSasUri);
    }

    [Fact]
    public async Task AddStandaloneHost_ServiceUris_AreUsedAsGiven()
    {
        await using var app = Build(new Dictionary<string, string?>
        {
            ["Host:Storage:TableServiceUri"] = "https://tables.example.net",
            ["Host:Storage:QueueServiceUri"] = "https://queues.example.net",
            ["Host:Storage:BlobServiceUri"] = "https://blobs.example.net",
        });

        var storage = app.Services.GetRequiredService<TaskHubStorage>();

        Assert.Equal("tables.example.net", storage.Instances.Uri.Host);
        Assert.Equal("queues.example.net", storage.PoisonQueue.Uri.Host);
        Assert.Equal("blobs.example.net", storage.Large.Uri.Host);
        Assert.False(storage.Large.CanGenerateSasUri);
    }

    [Fact]
    public async Task AddStandaloneHost_ConnectionString_BuildsClientsWithTheAccountKey()
    {
        var credentials = new StrongBox<int>();
        await using var app = Build(new Dictionary<string, string?>(), CountingCredential(credentials));

        var storage = app.Services.GetRequiredService<TaskHubStorage>();

        Assert.Equal("127.0.0.1", storage.Large.Uri.Host);
        Assert.True(storage.Large.CanGenerateSasUri);
        Assert.True(storage.PoisonQueue.CanGenerateSasUri);

        // A connection string signs its own requests: no token credential is built for it (the default chain costs
        // every start).
        Assert.Equal(0, credentials.Value);
    }

    [Fact]
    public async Task AddStandaloneHost_AccountName_BuildsOneTokenCredentialForTheThreeClients()
    {
        var credentials = new StrongBox<int>();
        await using var app = Build(new Dictionary<string, string?> { ["Host:Storage:AccountName"] = "acct" }, CountingCredential(credentials));

        var storage = app.Services.GetRequiredService<TaskHubStorage>();

        Assert.False(storage.Large.CanGenerateSasUri);
        Assert.Equal(1, credentials.Value);
    }

    private static WebApplication Build(Dictionary<string, string?> settings, Action<IServiceCollection>? services = null)
    {
        var builder = StandaloneHost.CreateBuilder(["--urls", "http://127.0.0.1:0"]);
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        services?.Invoke(builder.Services);
        return StandaloneHost.Build(builder);
    }

    // Replaces the storage clients' token credential with one that counts how often it was built.
    private static Action<IServiceCollection> CountingCredential(StrongBox<int> built) => services =>
        services.AddKeyedSingleton<TokenCredential>(StandaloneHostOptions.Section + ":Storage", (_, _) =>
        {
            Interlocked.Increment(ref built.Value);
            return new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned);
        });
}
