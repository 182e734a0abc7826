using Microsoft.AspNetCore.Builder;
using Serverless.Testing;

namespace Serverless.FunctionApp.Tests.Infrastructure;

/// <summary>One Azurite holding both the Functions app's task hub (on the Durable Task engine) and a standalone host's.</summary>
public sealed class HttpFixture : IAsyncLifetime
{
    private Azurite? _azurite;
    private WebApplication? _standalone;

    internal FunctionsHttpHost Functions { get; private set; } = null!;

    public HttpClient Standalone { get; private set; } = null!;

    internal ScriptedActivities Activities { get; } = new();

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        _azurite = await Azurite.StartAsync(cancellationToken: timeout.Token);
        Functions = await FunctionsHttpHost.StartAsync(_azurite.ConnectionString, "fnhttp", Activities, timeout.Token);

        (_standalone, var address) = await InProcessStandaloneHost.StartAsync(
            _azurite.ConnectionString, "fnstandalone", timeout.Token, executor: Activities);
        Standalone = new HttpClient { BaseAddress = address };
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
