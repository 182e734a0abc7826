using System.Net;
using DurableTask.AzureStorage;
using DurableTask.Core;
using DurableTask.Core.History;
using DurableTask.Core.Query;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Serverless.Testing;

/// <summary>Tuning knobs of <see cref="DurableTaskSidecarHost"/>; the defaults suit fast tests.</summary>
internal sealed class DurableTaskSidecarOptions
{
    /// <summary>Upper bound of the Azure Storage queue polling back-off (the backend's default is 30 s).</summary>
    public TimeSpan MaxQueuePollingInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// How often the sidecar's WaitForInstanceCompletion polls the instance table. AzureStorageOrchestrationService's own
    /// WaitForOrchestrationAsync polls every 2 s (hard-coded), which would dominate test latency.
    /// </summary>
    public TimeSpan StatusPollingInterval { get; set; } = TimeSpan.FromMilliseconds(100);


    /// <summary>Delete the task hub's queues, tables and containers when the fixture is disposed.</summary>
    public bool DeleteTaskHubOnDispose { get; set; }

    /// <summary>Logger factory for the backend, the sidecar and the worker (none by default).</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Last word on the backend settings (partition count, worker id, ...).</summary>
    public Action<AzureStorageOrchestrationServiceSettings>? ConfigureSettings { get; set; }

    /// <summary>Bound on each graceful shutdown step (worker, sidecar dispatchers, backend) before it is forced.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// Runs durabletask-dotnet orchestrations on the real Durable Task engine with the Azure Storage provider (DurableTask.AzureStorage),
/// through the gRPC sidecar of Microsoft.DurableTask.InProcessTestHost (<see cref="TaskHubGrpcServer"/>), as the Durable Functions
/// extension serves isolated workers: AzureStorageOrchestrationService ⇐ TaskHubGrpcServer (Kestrel, HTTP/2, loopback, free port)
/// ⇐ gRPC ⇐ durabletask-dotnet worker and client.
/// </summary>
internal sealed class DurableTaskSidecarHost : IAsyncDisposable
{
    private readonly AzureStorageOrchestrationService _service;
    private readonly Backend _backend;
    private readonly IHost _sidecarHost;
    private readonly IHost _workerHost;
    private readonly GrpcChannel _channel;
    private readonly DurableTaskSidecarOptions _options;
    private int _disposed;

    private DurableTaskSidecarHost(
        string taskHubName,
        AzureStorageOrchestrationService service,
        Backend backend,
        IHost sidecarHost,
        IHost workerHost,
        GrpcChannel channel,
        string sidecarAddress,
        DurableTaskSidecarOptions options)
    {
        TaskHubName = taskHubName;
        _service = service;
        _backend = backend;
        _sidecarHost = sidecarHost;
        _workerHost = workerHost;
        _channel = channel;
        SidecarAddress = sidecarAddress;
        _options = options;
        Client = workerHost.Services.GetRequiredService<DurableTaskClient>();
    }

    /// <summary>The client (gRPC, through the sidecar) for scheduling and managing orchestrations.</summary>
    public DurableTaskClient Client { get; }

    /// <summary>The worker host's services (what <c>configureServices</c> registered, for activities to use).</summary>
    public IServiceProvider Services => _workerHost.Services;

    public string TaskHubName { get; }

    /// <summary>The sidecar's gRPC address, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string SidecarAddress { get; }

    /// <summary>The backend itself, for direct inspection (instance history, queues...).</summary>
    public AzureStorageOrchestrationService OrchestrationService => _service;

    /// <summary>
    /// Creates the task hub if needed and starts the backend, the sidecar and a worker with the given tasks. The task hub name must be
    /// a valid Azure Storage task hub name (3-45 letters and digits, starting with a letter).
    /// </summary>
    public static async Task<DurableTaskSidecarHost> StartAsync(
        string connectionString,
        string taskHubName,
        Action<DurableTaskRegistry> registerTasks,
        Action<IServiceCollection>? configureServices = null,
        DurableTaskSidecarOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        ArgumentException.ThrowIfNullOrEmpty(taskHubName);
        ArgumentNullException.ThrowIfNull(registerTasks);
        options ??= new DurableTaskSidecarOptions();
        ILoggerFactory loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;

        var settings = new AzureStorageOrchestrationServiceSettings
        {
            StorageAccountClientProvider = new StorageAccountClientProvider(connectionString),
            TaskHubName = taskHubName,
            MaxQueuePollingInterval = options.MaxQueuePollingInterval,
            LoggerFactory = loggerFactory,
        };
        options.ConfigureSettings?.Invoke(settings);

        var service = new AzureStorageOrchestrationService(settings);
        var backend = new Backend(service, options);
        IHost? sidecarHost = null;
        IHost? workerHost = null;
        GrpcChannel? channel = null;
        try
        {
            // The backend's lifecycle belongs to the fixture: the sidecar's own Start/Stop calls reach the Backend wrapper only.
            await service.CreateIfNotExistsAsync().WaitAsync(cancellationToken);
            await service.StartAsync().WaitAsync(cancellationToken);
            backend.Started = true;

            sidecarHost = new HostBuilder()
                .ConfigureWebHost(web => web
                    .UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2))
                    .ConfigureServices(services =>
                    {
                        services.AddSingleton(loggerFactory);
                        services.AddLogging();
                        services.AddGrpc();
                        services.AddSingleton<IOrchestrationService>(backend);
                        services.AddSingleton<IOrchestrationServiceClient>(backend);
                        services.AddSingleton<TaskHubGrpcServer>();
                    })
                    .Configure(app =>
                    {
                        app.UseRouting();
                        app.UseEndpoints(endpoints => endpoints.MapGrpcService<TaskHubGrpcServer>());
                    }))
                .Build();
            await sidecarHost.StartAsync(cancellationToken);
            string address = sidecarHost.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

            channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { LoggerFactory = loggerFactory });
            GrpcChannel workerChannel = channel;
            workerHost = new HostBuilder()
                .ConfigureServices(services =>
                {
                    services.AddSingleton(loggerFactory);
                    services.AddLogging();
                    configureServices?.Invoke(services);
                    services.AddDurableTaskWorker(builder =>
                    {
                        builder.AddTasks(registerTasks);
                        builder.UseGrpc(workerChannel);
                    });
                    services.AddDurableTaskClient(builder =>
                    {
                        builder.UseGrpc(workerChannel);
                        builder.RegisterDirectly();
                    });
                })
                .Build();
            await workerHost.StartAsync(cancellationToken);

            return new DurableTaskSidecarHost(taskHubName, service, backend, sidecarHost, workerHost, channel, address, options);
        }
        catch
        {
            await ShutdownAsync(service, backend, sidecarHost, workerHost, channel, options, deleteTaskHub: false);
            throw;
        }
    }

    /// <summary>Stops the worker, the sidecar (and its dispatchers) and the backend; deletes the task hub if asked to.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await ShutdownAsync(_service, _backend, _sidecarHost, _workerHost, _channel, _options, _options.DeleteTaskHubOnDispose);
        }
    }

    private static async Task ShutdownAsync(
        AzureStorageOrchestrationService service,
        Backend backend,
        IHost? sidecarHost,
        IHost? workerHost,
        GrpcChannel? channel,
        DurableTaskSidecarOptions options,
        bool deleteTaskHub)
    {
        var errors = new List<Exception>();
        ILogger log = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger<DurableTaskSidecarHost>();
        async Task<bool> StepAsync(string what, Func<CancellationToken, Task> step)
        {
            using var timeout = new CancellationTokenSource(options.ShutdownTimeout);
            try
            {
                await step(timeout.Token).WaitAsync(timeout.Token);
                return true;
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                // Bounded: a step that does not finish in time is left behind; the next steps force what remains.
                log.LogWarning("Shutdown step '{Step}' did not finish within {Timeout}; going on.", what, options.ShutdownTimeout);
                return false;
            }
            catch (Exception e)
            {
                errors.Add(e);
                return false;
            }
        }

        // 1. The worker first: it ends its GetWorkItems stream, which makes the sidecar's dispatchers stop fetching.
        if (workerHost is not null)
        {
            await StepAsync("stop worker", workerHost.StopAsync);
            workerHost.Dispose();
        }

        if (channel is not null)
        {
            await StepAsync("shut down channel", _ => channel.ShutdownAsync());
            channel.Dispose();
        }

        // 2. The sidecar: ApplicationStopping makes TaskHubGrpcServer stop its dispatchers (fire-and-forget, async void); their last act
        //    is IOrchestrationService.StopAsync, which Backend turns into a signal we can wait for. If no worker ever connected, the
        //    dispatchers never started and there is nothing to wait for. The dispatchers wait for every work item in flight, so a work
        //    item whose worker is gone (an activity still running when the test ended) keeps them until the timeout.
        if (sidecarHost is not null)
        {
            await StepAsync("stop sidecar", sidecarHost.StopAsync);
            if (backend.DispatchersStarted)
            {
                await StepAsync("stop sidecar dispatchers", backend.DispatchersStopped.WaitAsync);
            }

            sidecarHost.Dispose();
        }

        // 3. The backend: a graceful stop releases the partition leases (so a later fixture on the same task hub starts at once);
        //    forced if it does not finish in time.
        if (backend.Started && !await StepAsync("stop backend", _ => service.StopAsync(isForced: false)))
        {
            await StepAsync("stop backend (forced)", _ => service.StopAsync(isForced: true));
        }

        if (deleteTaskHub)
        {
            await StepAsync("delete task hub", _ => service.DeleteAsync());
        }

        service.Dispose();
        if (errors.Count > 0)
        {
            throw new AggregateException("DurableTaskSidecarHost did not shut down cleanly.", errors);
        }
    }

    /// <summary>
    /// What the sidecar sees as its IOrchestrationService and IOrchestrationServiceClient: the Azure Storage service, except that
    /// Start/Stop belong to the host (AzureStorageOrchestrationService.StartAsync throws when called twice, and the sidecar calls it
    /// from an async void handler), and WaitForOrchestrationAsync polls faster.
    /// </summary>
    private sealed class Backend(AzureStorageOrchestrationService inner, DurableTaskSidecarOptions options) :
        IOrchestrationService,
        IOrchestrationServiceClient,
        IOrchestrationServiceQueryClient,
        IOrchestrationServicePurgeClient
    {
        private readonly TaskCompletionSource _dispatchersStopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private volatile bool _dispatchersStarted;

        public bool Started { get; set; }

        public bool DispatchersStarted => _dispatchersStarted;

        public Task DispatchersStopped => _dispatchersStopped.Task;

        // Lifecycle: called by the sidecar's dispatcher host (start: once a worker connects; stop: after its dispatchers stopped).
        public Task StartAsync()
        {
            _dispatchersStarted = true;
            return Task.CompletedTask;
        }

        public Task StopAsync() => StopAsync(isForced: false);

        public Task StopAsync(bool isForced)
        {
            _dispatchersStopped.TrySetResult();
            return Task.CompletedTask;
        }

        public Task CreateAsync() => inner.CreateAsync();

        public Task CreateAsync(bool recreateInstanceStore) => inner.CreateAsync(recreateInstanceStore);

        public Task CreateIfNotExistsAsync() => inner.CreateIfNotExistsAsync();

        public Task DeleteAsync() => inner.DeleteAsync();

        public Task DeleteAsync(bool deleteInstanceStore) => inner.DeleteAsync(deleteInstanceStore);

        // Orchestration work items.
        public int TaskOrchestrationDispatcherCount => inner.TaskOrchestrationDispatcherCount;

        public int MaxConcurrentTaskOrchestrationWorkItems => inner.MaxConcurrentTaskOrchestrationWorkItems;

        public BehaviorOnContinueAsNew EventBehaviourForContinueAsNew => inner.EventBehaviourForContinueAsNew;

        public bool IsMaxMessageCountExceeded(int currentMessageCount, OrchestrationRuntimeState runtimeState) =>
            inner.IsMaxMessageCountExceeded(currentMessageCount, runtimeState);

        public int GetDelayInSecondsAfterOnProcessException(Exception exception) => inner.GetDelayInSecondsAfterOnProcessException(exception);

        public int GetDelayInSecondsAfterOnFetchException(Exception exception) => inner.GetDelayInSecondsAfterOnFetchException(exception);

        // Timer messages are passed on as they come: like Durable Functions on Azure Storage, a timer can arrive up to a
        // second before its due time (whole-second queue visibility), and the orchestration must cope (it does: it re-arms).
        public Task<TaskOrchestrationWorkItem> LockNextTaskOrchestrationWorkItemAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
            inner.LockNextTaskOrchestrationWorkItemAsync(receiveTimeout, cancellationToken);

        public Task RenewTaskOrchestrationWorkItemLockAsync(TaskOrchestrationWorkItem workItem) => inner.RenewTaskOrchestrationWorkItemLockAsync(workItem);

        public Task CompleteTaskOrchestrationWorkItemAsync(
            TaskOrchestrationWorkItem workItem,
            OrchestrationRuntimeState newOrchestrationRuntimeState,
            IList<TaskMessage> outboundMessages,
            IList<TaskMessage> orchestratorMessages,
            IList<TaskMessage> timerMessages,
            TaskMessage continuedAsNewMessage,
            OrchestrationState orchestrationState)
        {
            foreach (var message in orchestratorMessages ?? [])
            {
                PlainTags(message?.Event);
            }

            PlainTags(continuedAsNewMessage?.Event);
            if (newOrchestrationRuntimeState is not null)
            {
                StorableHistory(newOrchestrationRuntimeState.NewEvents);
                StorableHistory(newOrchestrationRuntimeState.Events);
            }

            return inner.CompleteTaskOrchestrationWorkItemAsync(
                workItem, newOrchestrationRuntimeState, outboundMessages, orchestratorMessages, timerMessages, continuedAsNewMessage, orchestrationState);
        }

        // The in-process sidecar records a sub-orchestration's start as its own GrpcSubOrchestrationInstanceCreatedEvent,
        // a subclass without [DataContract] (it adds a trace context); the Azure Storage provider's table converter only
        // writes members of [DataContract] types, so the parent's history row came out empty (no EventType) and the
        // parent could never be loaded again. Store the DurableTask.Core event instead (the trace context is dropped).
        private static void StorableHistory(IList<HistoryEvent> events)
        {
            for (var i = 0; i < events.Count; i++)
            {
                if (events[i] is SubOrchestrationInstanceCreatedEvent created && created.GetType() != typeof(SubOrchestrationInstanceCreatedEvent))
                {
                    events[i] = new SubOrchestrationInstanceCreatedEvent(created.EventId)
                    {
                        Timestamp = created.Timestamp,
                        IsPlayed = created.IsPlayed,
                        Name = created.Name,
                        Version = created.Version,
                        InstanceId = created.InstanceId,
                        Input = created.Input,
                        ClientSpanId = created.ClientSpanId,
                        Tags = created.Tags is null ? null : new Dictionary<string, string>(created.Tags),
                    };
                }
                else
                {
                    PlainTags(events[i]);
                }
            }
        }

        // The in-process sidecar copies a sub-orchestration's protobuf tag map (Google.Protobuf's MapField) as it is into
        // the child's ExecutionStartedEvent. The Azure Storage provider writes queue messages with .NET type names and
        // cannot resolve MapField when it reads the child's start message back, so the child never started. A plain
        // dictionary is what the provider can store.
        private static void PlainTags(HistoryEvent? historyEvent)
        {
            switch (historyEvent)
            {
                case ExecutionStartedEvent { Tags: { } tags } e when tags.GetType() != typeof(Dictionary<string, string>):
                    e.Tags = new Dictionary<string, string>(tags);
                    break;
                case SubOrchestrationInstanceCreatedEvent { Tags: { } tags } e when tags.GetType() != typeof(Dictionary<string, string>):
                    e.Tags = new Dictionary<string, string>(tags);
                    break;
                case TaskScheduledEvent { Tags: { } tags } e when tags.GetType() != typeof(Dictionary<string, string>):
                    e.Tags = new Dictionary<string, string>(tags);
                    break;
                default:
                    break;
            }
        }

        public Task AbandonTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => inner.AbandonTaskOrchestrationWorkItemAsync(workItem);

        public Task ReleaseTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => inner.ReleaseTaskOrchestrationWorkItemAsync(workItem);

        // Activity work items.
        public int TaskActivityDispatcherCount => inner.TaskActivityDispatcherCount;

        public int MaxConcurrentTaskActivityWorkItems => inner.MaxConcurrentTaskActivityWorkItems;

        public Task<TaskActivityWorkItem> LockNextTaskActivityWorkItem(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
            inner.LockNextTaskActivityWorkItem(receiveTimeout, cancellationToken);

        public Task<TaskActivityWorkItem> RenewTaskActivityWorkItemLockAsync(TaskActivityWorkItem workItem) => inner.RenewTaskActivityWorkItemLockAsync(workItem);

        public Task CompleteTaskActivityWorkItemAsync(TaskActivityWorkItem workItem, TaskMessage responseMessage) =>
            inner.CompleteTaskActivityWorkItemAsync(workItem, responseMessage);

        public Task AbandonTaskActivityWorkItemAsync(TaskActivityWorkItem workItem) => inner.AbandonTaskActivityWorkItemAsync(workItem);

        // Client.
        public Task CreateTaskOrchestrationAsync(TaskMessage creationMessage) => inner.CreateTaskOrchestrationAsync(creationMessage);

        public Task CreateTaskOrchestrationAsync(TaskMessage creationMessage, OrchestrationStatus[] dedupeStatuses) =>
            inner.CreateTaskOrchestrationAsync(creationMessage, dedupeStatuses);

        public Task SendTaskOrchestrationMessageAsync(TaskMessage message) => inner.SendTaskOrchestrationMessageAsync(message);

        public Task SendTaskOrchestrationMessageBatchAsync(params TaskMessage[] messages) => inner.SendTaskOrchestrationMessageBatchAsync(messages);

        public async Task<OrchestrationState> WaitForOrchestrationAsync(string instanceId, string executionId, TimeSpan timeout, CancellationToken cancellationToken)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (timeout != Timeout.InfiniteTimeSpan)
            {
                deadline.CancelAfter(timeout);
            }

            try
            {
                while (true)
                {
                    OrchestrationState state = await inner.GetOrchestrationStateAsync(instanceId, executionId);
                    if (state is not null && state.OrchestrationStatus is not (OrchestrationStatus.Running or OrchestrationStatus.Pending
                        or OrchestrationStatus.Suspended or OrchestrationStatus.ContinuedAsNew))
                    {
                        // One more read through the backend's own method, which also resolves large (blob) inputs and outputs.
                        return (await inner.WaitForOrchestrationAsync(instanceId, executionId, TimeSpan.Zero, cancellationToken))!;
                    }

                    await Task.Delay(options.StatusPollingInterval, deadline.Token);
                }
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                return null!; // Timed out, as the backend's own method reports it.
            }
        }

        public Task ForceTerminateTaskOrchestrationAsync(string instanceId, string reason) => inner.ForceTerminateTaskOrchestrationAsync(instanceId, reason);

        public Task<IList<OrchestrationState>> GetOrchestrationStateAsync(string instanceId, bool allExecutions) =>
            inner.GetOrchestrationStateAsync(instanceId, allExecutions);

        public Task<OrchestrationState> GetOrchestrationStateAsync(string instanceId, string executionId) =>
            inner.GetOrchestrationStateAsync(instanceId, executionId);

        public Task<string> GetOrchestrationHistoryAsync(string instanceId, string executionId) => inner.GetOrchestrationHistoryAsync(instanceId, executionId);

        public Task PurgeOrchestrationHistoryAsync(DateTime thresholdDateTimeUtc, OrchestrationStateTimeRangeFilterType timeRangeFilterType) =>
            inner.PurgeOrchestrationHistoryAsync(thresholdDateTimeUtc, timeRangeFilterType);

        public Task<OrchestrationQueryResult> GetOrchestrationWithQueryAsync(global::DurableTask.Core.Query.OrchestrationQuery query, CancellationToken cancellationToken) =>
            inner.GetOrchestrationWithQueryAsync(query, cancellationToken);

        public Task<global::DurableTask.Core.PurgeResult> PurgeInstanceStateAsync(string instanceId) => ((IOrchestrationServicePurgeClient)inner).PurgeInstanceStateAsync(instanceId);

        public Task<global::DurableTask.Core.PurgeResult> PurgeInstanceStateAsync(global::DurableTask.Core.PurgeInstanceFilter purgeInstanceFilter) => ((IOrchestrationServicePurgeClient)inner).PurgeInstanceStateAsync(purgeInstanceFilter);
    }
}
