using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serverless.Engine.Execution;
using Serverless.Standalone;

namespace Serverless.Testing;

/// <summary>
/// The standalone host (src/Standalone) in this process on 127.0.0.1 port 0, over a task hub of the given storage, as the
/// tests and benchmarks run it: started, and answered once <c>/healthz</c> says it is healthy.
/// </summary>
internal static class InProcessStandaloneHost
{
    /// <summary>
    /// Starts the host and returns it with its address once healthy. <paramref name="settings"/> add to (or override) the
    /// storage settings; <paramref name="executor"/>, when given, runs every node's work; console logging at
    /// <paramref name="consoleLogLevel"/>, none when null; <paramref name="apiKey"/> is sent while waiting for health when
    /// the host is configured with one; <paramref name="logging"/>, when given, adds to the logging (a capturing provider).
    /// </summary>
    public static async Task<(WebApplication App, Uri Address)> StartAsync(
        string connectionString,
        string taskHub,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string?>? settings = null,
        INodeExecutor? executor = null,
        LogLevel? consoleLogLevel = null,
        string? apiKey = null,
        Action<ILoggingBuilder>? logging = null)
    {
        var builder = StandaloneHost.CreateBuilder(["--urls", "http://127.0.0.1:0"]);
        var config = new Dictionary<string, string?>
        {
            ["Host:Storage:ConnectionString"] = connectionString,
            ["Host:Storage:TaskHub"] = taskHub,
        };
        foreach (var (name, value) in settings ?? new Dictionary<string, string?>())
        {
            config[name] = value;
        }

        builder.Configuration.AddInMemoryCollection(config);
        builder.Logging.ClearProviders();
        if (consoleLogLevel is { } level)
        {
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(level);
        }

        logging?.Invoke(builder.Logging);

        if (executor is not null)
        {
            // The last registration wins: every node's work runs on this executor.
            builder.Services.AddSingleton(executor);
        }

        var app = StandaloneHost.Build(builder);
        try
        {
            await app.StartAsync(cancellationToken);
            var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            using var probe = new HttpClient { BaseAddress = address };
            if (apiKey is not null)
            {
                probe.DefaultRequestHeaders.Add("x-functions-key", apiKey);
            }

            while (!(await probe.GetAsync("/healthz", cancellationToken)).IsSuccessStatusCode)
            {
                // A poll interval bounded by the caller's token: the host is healthy once it leased its partitions.
                await Task.Delay(50, cancellationToken);
            }

            return (app, address);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }
}
