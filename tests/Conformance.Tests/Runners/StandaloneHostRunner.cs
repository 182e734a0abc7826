using System.Collections.Immutable;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Engine.Api;
using Serverless.Engine.Decisions;
using Serverless.Standalone;
using Serverless.Standalone.Storage;
using Serverless.Testing;

namespace Serverless.Conformance.Tests.Runners;

/// <summary>
/// The standalone host (src/Standalone) in this process on 127.0.0.1 port 0 over Azurite, driven only through its HTTP API
/// (as tests/Standalone.Tests' InProcessHost), with <see cref="ScriptedActivities"/> as its node executor. States over
/// 64 KiB go to blobs (<c>Host:InlineStateLimit</c>), so the large-value scenario crosses the blob path.
/// </summary>
internal sealed class StandaloneHostRunner : IWorkflowRunner
{
    private const string Durable = "/runtime/webhooks/durabletask/instances/";
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    /// <summary>The task hub of the host that starts over a state a newer engine wrote (see <see cref="PlantNewerSemanticsAsync"/>).</summary>
    public const string RefusalTaskHub = "confrefused";

    private readonly WebApplication _app;
    private readonly HttpClient _client;
    private readonly string _connectionString;

    private StandaloneHostRunner(WebApplication app, HttpClient client, ScriptedActivities activities, string connectionString)
    {
        _app = app;
        _client = client;
        Activities = activities;
        _connectionString = connectionString;
    }

    /// <inheritdoc/>
    public string Name => "StandaloneHost";

    /// <inheritdoc/>
    public ScriptedActivities Activities { get; }

    /// <summary>Starts the host on <paramref name="taskHub"/> and waits until it is healthy.</summary>
    public static Task<StandaloneHostRunner> StartAsync(string connectionString, string taskHub, CancellationToken cancellationToken)
        => StartAsync(connectionString, taskHub, new ScriptedActivities(), new Dictionary<string, string?>(), cancellationToken);

    private static async Task<StandaloneHostRunner> StartAsync(
        string connectionString, string taskHub, ScriptedActivities activities, Dictionary<string, string?> settings, CancellationToken cancellationToken)
    {
        var config = new Dictionary<string, string?>
        {
            ["Host:LeaseRenewInterval"] = "00:00:02",
            ["Host:InlineStateLimit"] = "65536",
        };
        foreach (var (key, value) in settings)
        {
            config[key] = value;
        }

        // Every activity node runs on the scripted activities.
        var (app, address) = await InProcessStandaloneHost.StartAsync(
            connectionString, taskHub, cancellationToken, config, activities, LogLevel.Warning);
        var runner = new StandaloneHostRunner(app, new HttpClient { BaseAddress = address }, activities, connectionString);
        return runner;
    }

    /// <inheritdoc/>
    public async Task RegisterAsync(string definitionJson, CancellationToken cancellationToken)
    {
        var name = JsonNode.Parse(definitionJson)!["name"]!.GetValue<string>();
        using var response = await _client.PutAsync($"/api/workflows/{name}", new StringContent(definitionJson, Encoding.UTF8, "application/json"), cancellationToken);
        await ExpectAsync(response, $"PUT workflow {name}", HttpStatusCode.OK, HttpStatusCode.Created);
    }

    /// <inheritdoc/>
    public async Task StartAsync(string workflow, string instanceId, JsonElement input, CancellationToken cancellationToken)
    {
        using var response = await _client.PostAsync(
            $"/api/workflows/{workflow}/instances?instanceId={Uri.EscapeDataString(instanceId)}", Content(input), cancellationToken);
        await ExpectAsync(response, $"start {instanceId}", HttpStatusCode.Accepted);
    }

    /// <inheritdoc/>
    public Task RaiseEventAsync(string instanceId, string name, JsonElement payload, CancellationToken cancellationToken)
        => PostAsync($"{Durable}{Uri.EscapeDataString(instanceId)}/raiseEvent/{Uri.EscapeDataString(name)}", Content(payload), $"raise {name} for {instanceId}", cancellationToken);

    /// <inheritdoc/>
    public Task TerminateAsync(string instanceId, string reason, CancellationToken cancellationToken)
        => PostAsync($"{Durable}{Uri.EscapeDataString(instanceId)}/terminate?reason={Uri.EscapeDataString(reason)}", null, $"terminate {instanceId}", cancellationToken);

    /// <inheritdoc/>
    public Task SuspendAsync(string instanceId, CancellationToken cancellationToken)
        => PostAsync($"{Durable}{Uri.EscapeDataString(instanceId)}/suspend?reason=conformance", null, $"suspend {instanceId}", cancellationToken);

    /// <inheritdoc/>
    public Task ResumeAsync(string instanceId, CancellationToken cancellationToken)
        => PostAsync($"{Durable}{Uri.EscapeDataString(instanceId)}/resume?reason=conformance", null, $"resume {instanceId}", cancellationToken);

    /// <inheritdoc/>
    public Task RerunAsync(string instanceId, CancellationToken cancellationToken)
        => PostAsync($"/api/instances/{Uri.EscapeDataString(instanceId)}/rerun", null, $"rerun {instanceId}", cancellationToken);

    /// <inheritdoc/>
    public async Task<InstanceProgress?> GetProgressAsync(string instanceId, CancellationToken cancellationToken)
    {
        var (code, status) = await StatusAsync(instanceId, cancellationToken);
        if (code == HttpStatusCode.NotFound)
        {
            return null;
        }

        if (status?["runtimeStatus"] is null)
        {
            throw new InvalidOperationException($"Status of {instanceId}: {(int)code} {status?.ToJsonString()}");
        }

        var running = status["customStatus"]?["running"] as JsonArray;
        return new InstanceProgress(
            status["runtimeStatus"]!.GetValue<string>(),
            running is null ? [] : [.. running.Select(p => p!.GetValue<string>())]);
    }

    /// <inheritdoc/>
    public Task WaitForFinalAsync(string instanceId, CancellationToken cancellationToken)
        => Poll.ProgressAsync(this, instanceId, p => p.IsFinal, "a final status", cancellationToken);

    /// <inheritdoc/>
    public async Task<InstanceResult> ReadAsync(string instanceId, CancellationToken cancellationToken)
    {
        var (code, status) = await StatusAsync(instanceId, cancellationToken);
        if (status?["runtimeStatus"] is not { } runtimeStatus)
        {
            throw new InvalidOperationException($"Status of {instanceId}: {(int)code} {status?.ToJsonString()}");
        }

        // On this host the status name is the workflow; it must agree with the custom status, which both hosts fill.
        var name = status["name"]?.GetValue<string>();
        Assert.Equal(status["customStatus"]?["workflow"]?.GetValue<string>(), name);
        var final = runtimeStatus.GetValue<string>();
        var output = status["output"]?.DeepClone();
        return new InstanceResult(
            final,
            name,
            final == "Completed" ? output : null,

            // A Failed or Terminated instance's output is the error object on this host.
            final is "Failed" or "Terminated" ? output as JsonObject : null,
            await NodesAsync(instanceId, cancellationToken));
    }

    /// <inheritdoc/>
    public Task PauseAsync(CancellationToken cancellationToken) => Task.Delay(PollInterval, cancellationToken);

    /// <inheritdoc/>
    /// <remarks>
    /// No HTTP route can write a state of another semantics version, so the test writes the state row itself with the
    /// host's own instance store (the table layout the host reads), as a newer deployment would have left it, into a
    /// task hub of its own (<see cref="RefusalTaskHub"/>); then it starts a second host on that task hub, as after a
    /// rollback. Starting takes over the row's partition (recovery reads every active row), so the refusal must not
    /// stop the partition: an instance on the same partition whose 1 s wait goes through the partition's control queue
    /// (no timer is kept in memory on that host) must still complete. Then the API is asked for the refused instance's
    /// status and to raise an event for it: both must refuse it, naming the version, and leave it unchanged.
    /// </remarks>
    public async Task<Refusal?> PlantNewerSemanticsAsync(string workflow, string instanceId, JsonElement input, CancellationToken cancellationToken)
    {
        var options = Options.Create(new StandaloneHostOptions { Storage = new StorageOptions { ConnectionString = _connectionString, TaskHub = RefusalTaskHub } });
        var storage = new TaskHubStorage(options, new StorageRequestCounter());
        await storage.EnsureCreatedAsync(cancellationToken);
        var now = TimeProvider.System.GetUtcNow();
        var state = new InstanceState
        {
            Semantics = Decider.SemanticsVersion + 1,
            InstanceId = instanceId,
            Workflow = workflow,
            Version = 1,
            Status = InstanceStatus.Running,
            Input = input,
            CreatedAt = now,
            StartedAt = now,
            LastUpdatedAt = now,
        };
        var (created, _) = await new InstanceStore(storage, options).TryInsertAsync(
            new InstanceRecord(state, InstanceRecord.EmptyOutbox, null, false, default, null), cancellationToken);
        Assert.True(created, $"{instanceId} already existed");

        await using var host = await StartAsync(
            _connectionString, RefusalTaskHub, Activities, new Dictionary<string, string?> { ["Host:InMemoryTimerWindow"] = "00:00:00" }, cancellationToken);
        var partitions = options.Value.Partitions;
        var neighbour = Enumerable.Range(0, 1000).Select(i => $"{instanceId}-neighbour-{i}")
            .First(id => Partitioning.Of(id, partitions) == Partitioning.Of(instanceId, partitions));
        await host.RegisterAsync("""{"name":"conf-neighbour","nodes":{"pause":{"type":"wait","duration":"PT1S"}}}""", cancellationToken);
        await host.StartAsync("conf-neighbour", neighbour, Json.Element("{}"), cancellationToken);
        var neighbourResult = await Poll.FinalAsync(host, neighbour, cancellationToken);

        using var status = await host._client.GetAsync(Durable + Uri.EscapeDataString(instanceId), cancellationToken);
        using var raise = await host._client.PostAsync(
            $"{Durable}{Uri.EscapeDataString(instanceId)}/raiseEvent/go", Content(Json.Element("{}")), cancellationToken);
        var statusError = await ErrorOfAsync(status, cancellationToken);
        var raiseError = await ErrorOfAsync(raise, cancellationToken);
        return new Refusal(
            $"GET status answered {(int)status.StatusCode} {statusError.Type}; raiseEvent answered {(int)raise.StatusCode} {raiseError.Type}",
            statusError.Message + " | " + raiseError.Message,
            $"{neighbour} on the same partition: {neighbourResult.RuntimeStatus}");
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static StringContent Content(JsonElement json) => new(json.GetRawText(), Encoding.UTF8, "application/json");

    private static async Task<(string Type, string Message)> ErrorOfAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            var error = JsonNode.Parse(text)?["error"];
            return (error?["type"]?.GetValue<string>() ?? "(none)", error?["message"]?.GetValue<string>() ?? text);
        }
        catch (JsonException)
        {
            return ("(not JSON)", text);
        }
    }

    private static async Task ExpectAsync(HttpResponseMessage response, string what, params HttpStatusCode[] expected)
    {
        if (!expected.Contains(response.StatusCode))
        {
            throw new InvalidOperationException($"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    private async Task PostAsync(string uri, HttpContent? content, string what, CancellationToken cancellationToken)
    {
        using var response = await _client.PostAsync(uri, content, cancellationToken);
        await ExpectAsync(response, what, HttpStatusCode.Accepted);
    }

    private async Task<(HttpStatusCode Code, JsonObject? Body)> StatusAsync(string instanceId, CancellationToken cancellationToken)
    {
        using var response = await _client.GetAsync(Durable + Uri.EscapeDataString(instanceId), cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return (response.StatusCode, JsonNode.Parse(text) as JsonObject);
    }

    private async Task<ImmutableArray<NodeSummary>> NodesAsync(string instanceId, CancellationToken cancellationToken)
    {
        var nodes = ImmutableArray.CreateBuilder<NodeSummary>();
        string? token = null;
        do
        {
            var uri = $"/api/instances/{Uri.EscapeDataString(instanceId)}/nodes?top={NodeDetails.MaxTop}"
                + (token is null ? string.Empty : "&continuationToken=" + Uri.EscapeDataString(token));
            using var response = await _client.GetAsync(uri, cancellationToken);
            await ExpectAsync(response, $"nodes of {instanceId}", HttpStatusCode.OK);
            var page = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))!;
            nodes.AddRange(page["nodes"]!.AsArray().Select(item => NodeSummary.FromJson(item!)));
            token = page["continuationToken"]?.GetValue<string>();
        }
        while (token is not null);
        return nodes.ToImmutable();
    }
}
