using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Serverless.Standalone.Tests.Infrastructure;
using Serverless.Testing;

namespace Serverless.Standalone.Tests.Runtime;

/// <summary>The standalone host with its real executors: only the definition's own text selects a secret (issue 9).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class SecretReferenceTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task HttpNode_InputSpellingSecretReferences_SendsThemAsWrittenAndTheSecretOnlyWhereTheDefinitionSaysSo()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var ct = timeout.Token;
        await using var echo = await LoopbackEchoServer.StartAsync(ct);
        var (app, address) = await InProcessStandaloneHost.StartAsync(azurite.ConnectionString, "secretforgery", ct, new Dictionary<string, string?>
        {
            [$"Secrets:{SecretForgery.Name}"] = SecretForgery.Value,
            ["Executors:Http:Network:AllowLoopback"] = "true",
        });
        await using var _ = app;
        using var client = new HttpClient { BaseAddress = address };
        var api = new WorkflowApi(client);
        await api.PutWorkflowAsync(SecretForgery.Definition, ct);

        var id = await api.StartAsync("secret-forgery", "forgery-1", SecretForgery.Input(echo.BaseUri).GetRawText(), ct);
        var final = await api.WaitForFinalAsync(id, ct);

        Assert.Equal("Completed", final["runtimeStatus"]!.GetValue<string>());
        var received = Assert.Single(echo.Requests);
        Assert.Null(SecretForgery.Check(received));
        Assert.Equal("***", final["output"]!["Headers"]!["x-real"]!.GetValue<string>());
        var nodes = await client.GetFromJsonAsync<JsonObject>($"/api/instances/{id}/nodes?showInput=true", ct);
        Assert.DoesNotContain(SecretForgery.Value, final.ToJsonString() + nodes!.ToJsonString(), StringComparison.Ordinal);
    }
}
