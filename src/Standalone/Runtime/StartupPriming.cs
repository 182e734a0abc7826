using System.Text;
using Azure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Serverless.Engine.Decisions;
using Serverless.Engine.Execution;
using Serverless.Engine.Registry;
using Serverless.Engine.Telemetry;
using Serverless.HttpApi;
using Serverless.Standalone.Routes;
using Serverless.Standalone.Storage;
using Serverless.Standalone.Telemetry;

namespace Serverless.Standalone.Runtime;

/// <summary>
/// Runs, before the host is ready, what a fresh process would otherwise set up on its first instance: a throwaway
/// instance of a small workflow (an <c>echo</c> activity, an event, a switch, a set) goes through the HTTP API's start,
/// raise and status handlers and the real runtime (the instance client, the decider, the actor's group commit and its
/// saves with ETags, the node work runner and executor, the raise path, the state and envelope JSON contracts) on parts
/// of its own. Its one row is in the hosts table under
/// partition key <c>startup-priming-{host id}</c>, where no query of instances or hosts looks, and is deleted at the
/// end; its definition is in an in-memory registry; it owns every partition of a partition table of its own, so its
/// work goes through no queue (only the runtime's fallback when applying an event throws would send one); its logs go
/// nowhere; its spans and metrics, the host's and the workflow's, go through OpenTelemetry's SDK to a tracer and a meter
/// provider of its own that export nothing (<see cref="PrimingTelemetry"/>, <see cref="WorkflowTelemetry.RecordInto"/>),
/// so a process's first instance does not pay for the SDK's first spans and measurements either. docs/performance.md,
/// cold start.
/// </summary>
internal sealed class StartupPriming(
    ActivityRegistry activities,
    IServiceScopeFactory scopes,
    IOptions<WorkflowExecutorOptions> executorOptions,
    HttpNodeExecutor http,
    DefinitionRegistry definitions,
    MessageSender sender,
    TaskHubStorage storage,
    IOptions<StandaloneHostOptions> options,
    WorkflowApiOptions api,
    TimeProvider time)
{
    private const string Workflow = "startup-priming";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private const string Definition = """
        {"name":"startup-priming","nodes":{
          "a":{"type":"activity","activity":"echo","input":"${{ input.n }}"},
          "go":{"type":"event","event":"go","runAfter":["a"]},
          "pick":{"type":"switch","cases":{"big":"${{ nodes.go.output.n > 1 }}"},"default":"small","runAfter":["go"]},
          "b":{"type":"set","value":"${{ 'n=' + nodes.a.output }}","runAfter":["pick"]}},
         "output":"${{ nodes.b.output }}"}
        """;

    /// <summary>The partition key of the throwaway instance's row in the hosts table.</summary>
    public static string InstanceId(string hostId) => Workflow + "-" + hostId;

    /// <summary>
    /// Registers the workflow in memory (the parser, the compiler and the expression engine), then, once
    /// <paramref name="storageReady"/> completes, runs the throwaway instance of <paramref name="hostId"/> to its end,
    /// deletes its row, and returns its last record with what its private telemetry recorded. Past the registration it
    /// is bounded by 10 seconds.
    /// </summary>
    public async Task<PrimingRun> RunAsync(string hostId, Task storageReady, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(storageReady);
        using var telemetry = new PrimingTelemetry();
        using var redirected = WorkflowTelemetry.RecordInto(telemetry.Workflow);
        var registry = new DefinitionRegistry(new InMemoryDefinitionStore(), time, planOptions: definitions.PlanOptions);
        // The start handler resolves it (and answers 404, which throws below, if it could not).
        if ((await registry.RegisterAsync(Workflow, Definition, cancellationToken)).Error is { } error)
        {
            throw new InvalidOperationException($"The start-up priming workflow does not register: {error.Message}");
        }

        await storageReady.WaitAsync(cancellationToken);
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(Bound);
        var token = bound.Token;

        var partitions = new PartitionTable(options.Value.Partitions);
        for (var p = 0; p < partitions.Count; p++)
        {
            partitions[p] = PartitionState.Owned;
        }

        var metrics = telemetry.Host;

        // The host's executors, but silent: the activity executor logs every activity it runs, and this one is nobody's.
        var executor = new NodeExecutor(http, new ActivityNodeExecutor(activities, scopes, executorOptions, time, NullLogger<ActivityNodeExecutor>.Instance), time);
        using var runner = new NodeWorkRunner(executor, partitions, metrics, time, options, NullLogger<NodeWorkRunner>.Instance);
        var store = new InstanceStore(storage, storage.Hosts, options);
        using var runtime = new InstanceRuntime(store, registry, sender, partitions, runner, metrics, time, options, NullLogger<InstanceRuntime>.Instance);
        var client = new InstanceClient(registry, store, runtime, time, NullLogger<InstanceClient>.Instance);

        var id = InstanceId(hostId);
        try
        {
            // Through the HTTP API's handlers, as a client's requests (without the socket: Kestrel and routing are
            // already warm from the health probes), on a backend over the parts above.
            var backend = new StandaloneInstanceBackend(client, store, storage, options);
            await using var scope = scopes.CreateAsyncScope();
            await CallAsync(
                scope.ServiceProvider, $"/api/workflows/{Workflow}/instances", "?instanceId=" + id, """{"n":1}""", StatusCodes.Status202Accepted,
                request => InstanceHandlers.StartAsync(Workflow, request, registry, backend, api, token));
            await CallAsync(
                scope.ServiceProvider, $"/api/instances/{id}/raiseEvent/go", null, """{"n":2}""", StatusCodes.Status202Accepted,
                request => InstanceHandlers.RaiseEventAsync(id, "go", request, backend, api, token));
            var final = await FinalAsync(client, store, id, token);
            if (final.State.Status != InstanceStatus.Completed)
            {
                throw new InvalidOperationException($"The start-up priming instance ended {final.State.Status}.");
            }

            await CallAsync(
                scope.ServiceProvider, $"/api/instances/{id}", null, null, StatusCodes.Status200OK,
                request => InstanceHandlers.StatusAsync(id, request, backend, api, null, token));

            var (spans, recorded) = telemetry.Collect();
            return new PrimingRun(final, spans, recorded);
        }
        finally
        {
            // Whatever happened, the row goes (a delete of a missing row succeeds).
            await storage.Hosts.DeleteEntityAsync(id, InstanceStore.RowKey, ETag.All, CancellationToken.None);
        }
    }

    // Runs a handler on a request of its own (POST with a JSON body, or GET), writes its result to nowhere, and throws
    // unless the status is the one expected.
    private static async Task CallAsync(
        IServiceProvider services, string path, string? query, string? body, int expected, Func<HttpRequest, Task<IResult>> handler)
    {
        var context = new DefaultHttpContext { RequestServices = services };
        var request = context.Request;
        request.Scheme = "http";
        request.Host = new HostString("localhost");
        request.Path = path;
        request.QueryString = new QueryString(query);
        request.Method = body is null ? HttpMethods.Get : HttpMethods.Post;
        if (body is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            request.Body = new MemoryStream(bytes);
            request.ContentLength = bytes.Length;
            request.ContentType = "application/json";
        }

        var result = await handler(request);
        await result.ExecuteAsync(context);
        if (context.Response.StatusCode != expected)
        {
            throw new InvalidOperationException($"The start-up priming's {request.Method} {path} answered {context.Response.StatusCode}, not {expected}.");
        }
    }

    // Reads the instance after each of its writes until it is final.
    private static async Task<InstanceRecord> FinalAsync(InstanceClient client, InstanceStore store, string id, CancellationToken cancellationToken)
    {
        while (true)
        {
            var changed = store.Changes.WaitAsync(id, cancellationToken);
            var record = await client.GetAsync(id, cancellationToken)
                ?? throw new InvalidOperationException($"The start-up priming instance '{id}' is gone.");
            if (record.State.Status.IsFinal)
            {
                return record;
            }

            await changed;
        }
    }
}
