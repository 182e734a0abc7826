using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serverless.Engine.Execution;
using Serverless.Host;
using Serverless.Testing;

namespace Serverless.FunctionApp.Tests.Http;

/// <summary>One Azurite holding both the Functions app's task hub (on the Durable Task engine) and a standalone host's.</summary>
public sealed class HttpFixture : IAsyncLifetime
{
    private Azurite? _azurite;
    private WebApplication? _standalone;

    public FunctionsHttpHost Functions { get; private set; } = null!;

    public HttpClient Standalone { get; private set; } = null!;

    public ScriptedActivities Activities { get; } = new();

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        _azurite = await Azurite.StartAsync(cancellationToken: timeout.Token);
        Functions = await FunctionsHttpHost.StartAsync(_azurite.ConnectionString, "fnhttp", Activities, timeout.Token);

        var builder = ServerlessHost.CreateBuilder(["--urls", "http://127.0.0.1:0"]);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Host:Storage:ConnectionString"] = _azurite.ConnectionString,
            ["Host:Storage:TaskHub"] = "fnstandalone",
        });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<INodeExecutor>(Activities);
        _standalone = ServerlessHost.Build(builder);
        await _standalone.StartAsync(timeout.Token);
        var address = _standalone.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Standalone = new HttpClient { BaseAddress = new Uri(address) };
        while (!(await Standalone.GetAsync("/healthz", timeout.Token)).IsSuccessStatusCode)
        {
            // Bounded by the fixture's timeout: the host answers once its partitions are leased.
            await Task.Delay(50, timeout.Token);
        }
    }

    public async Task DisposeAsync()
    {
        Standalone?.Dispose();
        if (_standalone is not null)
        {
            await _standalone.StopAsync();
            await _standalone.DisposeAsync();
        }

        if (Functions is not null)
        {
            await Functions.DisposeAsync();
        }

        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }
}
