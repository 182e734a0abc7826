using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serverless.DurableTask.Http;
using Serverless.Engine.Registry;
using Serverless.Engine.Replay;
using Serverless.HttpApi;
using Serverless.Testing;
using static Serverless.DurableTask.Tests.Infrastructure.Workflows;

namespace Serverless.DurableTask.Tests.Http;

/// <summary>
/// The shared HTTP handlers over <see cref="DurableInstanceBackend"/> with a plain gRPC <see cref="DurableTaskClient"/>
/// (durabletask-dotnet's in-process sidecar), on a real Kestrel: what the Functions app serves, without the Functions host.
/// </summary>
public sealed class DurableInstanceBackendTests : IAsyncLifetime, ICheckpointStore
{
    private const string Seq = """{"name":"seq","nodes":{"a":{"type":"set","value":"${{ input }}"},"b":{"type":"set","value":"${{ nodes.a.output }}","runAfter":["a"]}},"output":"${{ nodes.b.output }}"}""";
    private const string Waiter = """{"name":"waiter","nodes":{"e":{"type":"event","event":"go"}},"output":"${{ nodes.e.output }}"}""";
    private const string Broken = """{"name":"broken","nodes":{"stop":{"type":"fail","error":"Broken","message":"it broke"}}}""";

    private readonly ConcurrentDictionary<string, Continuation> _checkpoints = new(StringComparer.Ordinal);
    private readonly InMemoryDefinitionStore _definitions = new();
    private readonly CancellationToken _ct = Timeout();
    private DurableTaskTestHost? _durable;
    private WebApplication? _app;
    private HttpClient? _http;

    private DurableTaskClient Client => _durable!.Client;

    private HttpClient Http => _http!;

    public async Task InitializeAsync()
    {
        var registry = new DefinitionRegistry(_definitions, TimeProvider.System);
        var source = new DefinitionStoreSource(_definitions);
        var options = new OrchestrationDriverOptions();

        // The test host picks a random port in 30000-40000 without checking it, which another test process may hold:
        // give it one the OS just handed out, and take another if it was taken in between.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                _durable = await DurableTaskTestHost.StartAsync(Register, new DurableTaskTestHostOptions { Port = Azurite.FreePorts(1)[0] });
                break;
            }
            catch (IOException ex) when (attempt < 5 && ex.InnerException is AddressInUseException)
            {
            }
        }

        void Register(DurableTaskRegistry tasks)
        {
            tasks.AddOrchestratorFunc<OrchestrationInput, JsonElement?>(
                TaskNames.Orchestrator, (context, _) => WorkflowOrchestration.RunAsync(context, registry.Compiler, options));
            tasks.AddActivityFunc<DefinitionRequest, DefinitionSnapshot?>(
                TaskNames.LoadDefinition, (_, request) => source.GetAsync(request.Workflow, request.Version, CancellationToken.None));
            tasks.AddActivityFunc<CheckpointRequest, bool>(TaskNames.SaveCheckpoint, (_, request) =>
            {
                _checkpoints[request.InstanceId] = request.Checkpoint;
                return true;
            });
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(registry);
        builder.Services.AddSingleton<IInstanceBackend>(new DurableInstanceBackend(Client, this));
        builder.Services.AddSingleton(new WorkflowApiOptions());
        _app = builder.Build();
        _app.MapWorkflowHttpApi();
        await _app.StartAsync(_ct);
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        _http = new HttpClient { BaseAddress = new Uri(address) };
        await PutAsync("seq", Seq);
        await PutAsync("broken", Broken);
        await PutAsync("waiter", Waiter);
    }

    public async Task DisposeAsync()
    {
        _http?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        if (_durable is not null)
        {
            await _durable.DisposeAsync();
        }
    }

    [Fact]
    public async Task Start_PlainClient_RunsTheOrchestrationAndAnswersThePayloadFromTheRequestBaseUrl()
    {
        using var response = await PostAsync("/api/workflows/seq/instances?instanceId=d-1", """{"x":1}""");
        var payload = JsonNode.Parse(await response.Content.ReadAsStringAsync(_ct))!;
        var meta = await Client.WaitForInstanceCompletionAsync("d-1", getInputsAndOutputs: true, _ct);

        var status = $"{Http.BaseAddress!.ToString().TrimEnd('/')}/runtime/webhooks/durabletask/instances/d-1";
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(status, payload["statusQueryGetUri"]!.GetValue<string>());
        Assert.Equal($"{status}/terminate?reason={{text}}", payload["terminatePostUri"]!.GetValue<string>());
        Assert.Equal(status, response.Headers.Location!.OriginalString);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, meta.RuntimeStatus);
        Assert.Equal("""{"x":1}""", JsonSerializer.Serialize(JsonDocument.Parse(meta.SerializedOutput!).RootElement));
    }

    [Fact]
    public async Task Start_SameThenDifferentInput_Returns202Then409()
    {
        using var first = await PostAsync("/api/workflows/seq/instances?instanceId=d-2", "1");
        await Client.WaitForInstanceCompletionAsync("d-2", _ct);

        using var same = await PostAsync("/api/workflows/seq/instances?instanceId=d-2", " 1 ");
        using var different = await PostAsync("/api/workflows/seq/instances?instanceId=d-2", "2");

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, same.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, different.StatusCode);
        Assert.Equal(
            """{"error":{"type":"Conflict","message":"Instance 'd-2' already exists with a different input; purge it first or choose another id."}}""",
            await different.Content.ReadAsStringAsync(_ct));
    }

    [Fact]
    public async Task Nodes_Completed_ListsTheNodesOfTheFinalCheckpoint()
    {
        using var start = await PostAsync("/api/workflows/seq/instances?instanceId=d-3", "7");
        await Client.WaitForInstanceCompletionAsync("d-3", _ct);

        using var response = await Http.GetAsync("/api/instances/d-3/nodes", _ct);
        var nodes = JsonNode.Parse(await response.Content.ReadAsStringAsync(_ct))!["nodes"]!.AsArray();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["a:succeeded", "b:succeeded"], nodes.Select(n => $"{n!["path"]}:{n["status"]}"));
    }

    [Fact]
    public async Task Status_WaitForChange_NoChangeFeed_SeesTheChangeByReadingAgain()
    {
        using var start = await PostAsync("/api/workflows/waiter/instances?instanceId=d-wait", "1");
        await Client.WaitForInstanceStartAsync("d-wait", _ct);
        var seen = JsonNode.Parse(await Http.GetStringAsync("/api/instances/d-wait", _ct))!["lastUpdatedTime"]!.GetValue<string>();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var waiting = Http.GetAsync($"/api/instances/d-wait?waitForChange={seen}&timeout=20", _ct);
        using var raised = await PostAsync("/api/instances/d-wait/raiseEvent/go", "5");
        using var answer = await waiting;
        var status = JsonNode.Parse(await answer.Content.ReadAsStringAsync(_ct))!;

        Assert.Equal(HttpStatusCode.Accepted, raised.StatusCode);
        Assert.NotEqual(seen, status["lastUpdatedTime"]!.GetValue<string>());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"answered after {clock.Elapsed}");
    }

    [Fact]
    public async Task Rerun_FailedThenCompletedThenUnknown_Returns202Then409Then404()
    {
        using var broken = await PostAsync("/api/workflows/broken/instances?instanceId=d-4", "null");
        await Client.WaitForInstanceCompletionAsync("d-4", _ct);
        using var seq = await PostAsync("/api/workflows/seq/instances?instanceId=d-5", "null");
        await Client.WaitForInstanceCompletionAsync("d-5", _ct);

        using var failed = await PostAsync("/api/instances/d-4/rerun", null);
        using var completed = await PostAsync("/api/instances/d-5/rerun", null);
        using var unknown = await PostAsync("/api/instances/nobody/rerun", null);

        Assert.Equal(HttpStatusCode.Accepted, failed.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, completed.StatusCode);
        Assert.Equal(
            """{"error":{"type":"Conflict","message":"Instance 'd-5' is Completed; only a Failed instance can be rerun."}}""",
            await completed.Content.ReadAsStringAsync(_ct));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("""{"error":{"type":"NotFound","message":"Instance 'nobody' does not exist."}}""", await unknown.Content.ReadAsStringAsync(_ct));
    }

    Task ICheckpointStore.SaveAsync(string instanceId, Continuation checkpoint, CancellationToken cancellationToken)
    {
        _checkpoints[instanceId] = checkpoint;
        return Task.CompletedTask;
    }

    Task<Continuation?> ICheckpointStore.LoadAsync(string instanceId, CancellationToken cancellationToken)
        => Task.FromResult(_checkpoints.GetValueOrDefault(instanceId));

    Task ICheckpointStore.DeleteAsync(string instanceId, CancellationToken cancellationToken)
    {
        _checkpoints.TryRemove(instanceId, out _);
        return Task.CompletedTask;
    }

    private async Task PutAsync(string name, string json)
    {
        using var response = await Http.PutAsync($"/api/workflows/{name}", new StringContent(json, Encoding.UTF8), _ct);
        response.EnsureSuccessStatusCode();
    }

    private Task<HttpResponseMessage> PostAsync(string uri, string? body)
        => Http.PostAsync(uri, body is null ? null : new StringContent(body, Encoding.UTF8), _ct);
}
