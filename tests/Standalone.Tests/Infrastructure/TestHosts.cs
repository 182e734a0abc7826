using System.Diagnostics;
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

/// <summary>The host as a real child process (<c>dotnet Serverless.Standalone.dll</c>) with its built-in <c>echo</c> activity.</summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private HostProcess(Process process, HttpClient client)
    {
        _process = process;
        Client = client;
        Api = new WorkflowApi(client);
    }

    public HttpClient Client { get; }

    public WorkflowApi Api { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output.TakeLast(60));
            }
        }
    }

    public static async Task<HostProcess> StartAsync(string connectionString, string taskHub, CancellationToken cancellationToken, IDictionary<string, string>? settings = null)
    {
        var port = AzuriteFixture.FreePorts(1)[0];
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(HostDll());
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.Environment["Host__Storage__ConnectionString"] = connectionString;
        start.Environment["Host__Storage__TaskHub"] = taskHub;
        start.Environment["Host__LeaseRenewInterval"] = "00:00:02";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Serverless"] = "Information";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start)!;
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var host = new HostProcess(process, client);
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await host.Api.WaitHealthyAsync(cancellationToken);
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException("The host process did not become healthy:\n" + host.Output, ex);
        }

        return host;
    }

    /// <summary>The process' working set now and its peak so far (the kernel's high-water mark), in bytes.</summary>
    public (long Current, long Peak) WorkingSet()
    {
        _process.Refresh();
        return (_process.WorkingSet64, _process.PeakWorkingSet64);
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    /// <summary>SIGTERM and wait for the exit: the host shuts down as a service manager stops it (exporters flush).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(cancellationToken);
        }

        await _process.WaitForExitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Add(line);
        }
    }

    private static string HostDll()
    {
        var local = Path.Combine(AppContext.BaseDirectory, "Serverless.Standalone.dll");
        if (File.Exists(Path.Combine(AppContext.BaseDirectory, "Serverless.Standalone.runtimeconfig.json")))
        {
            return local;
        }

        var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        return Path.Combine(AzuriteFixture.RepoRoot, "src", "Standalone", "bin", configuration, "net10.0", "Serverless.Standalone.dll");
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
