using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Serverless.Testing;

namespace Serverless.Standalone.Tests.Infrastructure;

/// <summary>The host in this process on 127.0.0.1 port 0, with <see cref="TestActivities"/>.</summary>
public sealed class InProcessHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private InProcessHost(WebApplication app, HttpClient client, TestActivities activities)
    {
        _app = app;
        Client = client;
        Api = new WorkflowApi(client);
        Activities = activities;
    }

    public HttpClient Client { get; }

    public WorkflowApi Api { get; }

    internal TestActivities Activities { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<InProcessHost> StartAsync(string connectionString, string taskHub, IDictionary<string, string?>? settings = null)
    {
        var config = new Dictionary<string, string?> { ["Host:LeaseRenewInterval"] = "00:00:02" };
        foreach (var (name, value) in settings ?? new Dictionary<string, string?>())
        {
            config[name] = value;
        }

        var activities = new TestActivities();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var (app, address) = await InProcessStandaloneHost.StartAsync(
            connectionString, taskHub, timeout.Token, config, activities, LogLevel.Warning, config.GetValueOrDefault("Host:ApiKey"));
        var host = new InProcessHost(app, new HttpClient { BaseAddress = address }, activities);
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>The tests' client on a host process.</summary>
public static class HostProcessApi
{
    extension(HostProcess host)
    {
        /// <summary>The workflow API of the process.</summary>
        public WorkflowApi Api => new(host.Client);
    }
}

/// <summary>A small client for the workflow API.</summary>
public sealed class WorkflowApi(HttpClient client)
{
    public const string Instances = "/runtime/webhooks/durabletask/instances";

    public HttpClient Client => client;

    public async Task WaitHealthyAsync(CancellationToken cancellationToken)
    {
        await Poll.UntilAsync(
            async () =>
            {
                try
                {
                    using var response = await client.GetAsync("/healthz", cancellationToken);
                    return response.IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            ok => ok,
            cancellationToken,
            "the host to become healthy");
    }

    public async Task<JsonObject> HealthAsync(CancellationToken cancellationToken)
        => (await client.GetFromJsonAsync<JsonObject>("/healthz", cancellationToken))!;

    public async Task PutWorkflowAsync(string json, CancellationToken cancellationToken)
    {
        var name = JsonNode.Parse(json)!["name"]!.GetValue<string>();
        using var response = await client.PutAsync($"/api/workflows/{name}", new StringContent(json), cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"PUT {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }

    public async Task<string> StartAsync(string workflow, string? instanceId, string input, CancellationToken cancellationToken)
    {
        var uri = $"/api/workflows/{workflow}/instances" + (instanceId is null ? string.Empty : $"?instanceId={Uri.EscapeDataString(instanceId)}");
        using var response = await client.PostAsync(uri, new StringContent(input), cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if ((int)response.StatusCode != 202)
        {
            throw new InvalidOperationException($"start {workflow}: {(int)response.StatusCode} {body}");
        }

        return JsonNode.Parse(body)!["id"]!.GetValue<string>();
    }

    public async Task<(int Status, JsonObject? Body)> StatusAsync(string instanceId, CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync($"{Instances}/{Uri.EscapeDataString(instanceId)}", cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return ((int)response.StatusCode, JsonNode.Parse(text) as JsonObject);
    }

    public async Task<JsonObject> WaitForStatusAsync(string instanceId, Func<string, bool> done, CancellationToken cancellationToken)
    {
        var (_, body) = await Poll.UntilAsync(
            () => StatusAsync(instanceId, cancellationToken),
            s => s.Body?["runtimeStatus"] is { } status && done(status.GetValue<string>()),
            cancellationToken,
            $"instance {instanceId}");
        return body!;
    }

    public Task<JsonObject> WaitForFinalAsync(string instanceId, CancellationToken cancellationToken)
        => WaitForStatusAsync(instanceId, s => s is "Completed" or "Failed" or "Terminated", cancellationToken);

    public async Task<int> PostAsync(string uri, string? body, CancellationToken cancellationToken)
    {
        using var response = await client.PostAsync(uri, body is null ? null : new StringContent(body), cancellationToken);
        return (int)response.StatusCode;
    }
}
