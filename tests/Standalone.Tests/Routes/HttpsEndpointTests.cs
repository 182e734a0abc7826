using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serverless.Standalone.Tests.Infrastructure;

namespace Serverless.Standalone.Tests.Routes;

/// <summary>
/// The host is built with the slim builder, which leaves HTTPS endpoints from configuration out unless asked for:
/// an endpoint under <c>Kestrel:Endpoints</c> with a certificate file serves the API over TLS, on Azurite.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class HttpsEndpointTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Host_HttpsEndpointInConfiguration_ServesTheApiOverTlsWithThatCertificate()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var ct = cts.Token;
        var pfx = Path.Combine(Path.GetTempPath(), $"swf-https-{Guid.NewGuid():N}.pfx");
        using var key = RSA.Create(2048);
        using var certificate = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pfx, "test"), ct);
        try
        {
            var builder = StandaloneHost.CreateBuilder([]);
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Host:Storage:ConnectionString"] = azurite.ConnectionString,
                ["Host:Storage:TaskHub"] = "https",
                ["Kestrel:Endpoints:Https:Url"] = "https://127.0.0.1:0",
                ["Kestrel:Endpoints:Https:Certificate:Path"] = pfx,
                ["Kestrel:Endpoints:Https:Certificate:Password"] = "test",
            });
            builder.Logging.ClearProviders();
            await using var app = StandaloneHost.Build(builder);
            await app.StartAsync(ct);

            // The configured endpoint replaces the default http://127.0.0.1:7071.
            var address = new Uri(Assert.Single(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses));
            Assert.Equal(Uri.UriSchemeHttps, address.Scheme);

            string? served = null;
            using var handler = new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = (_, presented, _, _) =>
                {
                    served = presented?.Thumbprint;
                    return served == certificate.Thumbprint;
                },
            };
            using var client = new HttpClient(handler) { BaseAddress = address };
            await new WorkflowApi(client).WaitHealthyAsync(ct);

            Assert.Equal(certificate.Thumbprint, served);
            var workflows = await client.GetAsync("/api/workflows", ct);
            Assert.Equal(System.Net.HttpStatusCode.OK, workflows.StatusCode);
            await app.StopAsync(ct);
        }
        finally
        {
            File.Delete(pfx);
        }
    }
}
