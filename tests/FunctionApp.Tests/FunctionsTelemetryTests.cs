using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Serverless.FunctionApp.Tests;

public sealed class FunctionsTelemetryTests
{
    private const string ConnectionString = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://ingest.example.invalid/";

    [Theory]
    [InlineData("ClientId=00000000-0000-0000-0000-000000000001;Authorization=AAD", true)]
    [InlineData("Authorization=AAD", true)]
    [InlineData(null, false)]
    public void AddFunctionsTelemetry_AuthenticationString_GivesTheExporterAManagedIdentityOnlyForAad(string? authentication, bool managedIdentity)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            [ServiceCollectionExtensions.ApplicationInsightsConnectionString] = ConnectionString,
            [ServiceCollectionExtensions.ApplicationInsightsAuthenticationString] = authentication,
        }).Build();
        using var provider = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration)
            .AddServerlessWorkflows(configuration)
            .AddFunctionsTelemetry(configuration)
            .BuildServiceProvider();

        var options = provider.GetRequiredService<IOptionsMonitor<AzureMonitorExporterOptions>>().Get(Options.DefaultName);

        Assert.Equal(ConnectionString, options.ConnectionString);
        Assert.Equal(managedIdentity, options.Credential is ManagedIdentityCredential);
    }

    [Theory]
    [InlineData("ClientId=abc;Authorization=AAD", "abc")]
    [InlineData(" authorization = aad ; clientid = abc ", "abc")]
    [InlineData("Authorization=AAD", null)]
    public void EntraCredentialSection_Aad_NamesTheManagedIdentity(string authentication, string? clientId)
    {
        var section = ServiceCollectionExtensions.EntraCredentialSection(authentication);

        Assert.NotNull(section);
        Assert.Equal("managedidentity", section["credential"]);
        Assert.Equal(clientId, section["clientId"]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ClientId=abc")]
    [InlineData("Authorization=Key")]
    public void EntraCredentialSection_NotAad_IsNull(string? authentication)
        => Assert.Null(ServiceCollectionExtensions.EntraCredentialSection(authentication));
}
