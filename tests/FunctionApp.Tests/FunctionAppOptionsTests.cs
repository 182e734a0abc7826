using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Serverless.FunctionApp.Tests;

public sealed class FunctionAppOptionsTests
{
    private const string Azurite = "UseDevelopmentStorage=true";

    [Fact]
    public void Validate_Defaults_Succeed()
    {
        var result = new FunctionAppOptionsValidator().Validate(Options.DefaultName, new FunctionAppOptions());

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData("Workflows:DefinitionsTable", "", "Workflows:DefinitionsTable must be set.")]
    [InlineData("Workflows:CheckpointContainer", " ", "Workflows:CheckpointContainer must be set.")]
    [InlineData("Workflows:MaxPayloadBytes", "100", "FunctionAppOptions.MaxPayloadBytes")]
    [InlineData("Workflows:StatusRetryAfterSeconds", "-1", "FunctionAppOptions.StatusRetryAfterSeconds")]
    [InlineData("Workflows:PlanOptions:HostMaxConcurrency", "10", "FunctionAppOptions.PlanOptions.HostMaxConcurrency")]
    [InlineData("Workflows:Orchestration:HistoryBound", "0", "FunctionAppOptions.Orchestration.HistoryBound")]
    [InlineData("Workflows:Executors:Http:MaxRedirects", "21", "WorkflowExecutorOptions.Http.MaxRedirects")]
    public void AddServerlessWorkflows_InvalidSetting_FailsStartupValidationNamingIt(string setting, string value, string message)
    {
        using var provider = Services(new() { ["AzureWebJobsStorage"] = Azurite, [setting] = value });

        // What the Functions host's StartAsync runs first (ValidateOnStart).
        var ex = Assert.Throws<OptionsValidationException>(provider.GetRequiredService<IStartupValidator>().Validate);

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddServerlessWorkflows_PlanOptions_LeaveTheSharedDefaultsAlone()
    {
        using var provider = Services(new() { ["AzureWebJobsStorage"] = Azurite, ["Workflows:PlanOptions:MaxValueBytes"] = "2048" });

        Assert.Equal(2048, provider.GetRequiredService<FunctionAppOptions>().PlanOptions.MaxValueBytes);
        Assert.Equal(256 * 1024, Engine.Decisions.PlanOptions.Default.MaxValueBytes);
    }

    [Fact]
    public void AddServerlessWorkflows_ValidSettings_PassStartupValidation()
    {
        using var provider = Services(new() { ["AzureWebJobsStorage"] = Azurite, ["Workflows:PlanOptions:MaxValueBytes"] = "4096" });

        provider.GetRequiredService<IStartupValidator>().Validate();

        Assert.Equal(4096, provider.GetRequiredService<FunctionAppOptions>().PlanOptions.MaxValueBytes);
    }

    [Fact]
    public void AddServerlessWorkflows_NoStorage_Throws()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => Services([]));

        Assert.Contains("AzureWebJobsStorage", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddServerlessWorkflows_ConnectionString_BuildsClientsWithTheAccountKey()
    {
        using var provider = Services(new() { ["AzureWebJobsStorage"] = Azurite });

        Assert.Equal("127.0.0.1", provider.GetRequiredService<TableServiceClient>().Uri.Host);
        Assert.True(provider.GetRequiredService<BlobServiceClient>().CanGenerateAccountSasUri);
    }

    [Fact]
    public void AddServerlessWorkflows_AccountNameAndManagedIdentity_BuildsClientsWithATokenCredential()
    {
        using var provider = Services(new()
        {
            ["AzureWebJobsStorage:accountName"] = "acct",
            ["AzureWebJobsStorage:credential"] = "managedidentity",
            ["AzureWebJobsStorage:clientId"] = "00000000-0000-0000-0000-000000000001",
        });

        Assert.Equal("acct.table.core.windows.net", provider.GetRequiredService<TableServiceClient>().Uri.Host);
        var blobs = provider.GetRequiredService<BlobServiceClient>();
        Assert.Equal("acct.blob.core.windows.net", blobs.Uri.Host);

        // A shared key signs SAS URIs; a token credential cannot.
        Assert.False(blobs.CanGenerateAccountSasUri);
    }

    [Fact]
    public void AddServerlessWorkflows_ServiceUris_AreUsedAsGiven()
    {
        using var provider = Services(new()
        {
            ["AzureWebJobsStorage:tableServiceUri"] = "https://tables.example.net",
            ["AzureWebJobsStorage:blobServiceUri"] = "https://blobs.example.net",
        });

        Assert.Equal("tables.example.net", provider.GetRequiredService<TableServiceClient>().Uri.Host);
        Assert.Equal("blobs.example.net", provider.GetRequiredService<BlobServiceClient>().Uri.Host);
        Assert.False(provider.GetRequiredService<BlobServiceClient>().CanGenerateAccountSasUri);
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration)
            .AddServerlessWorkflows(configuration)
            .BuildServiceProvider();
    }
}
