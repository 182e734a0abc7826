using Serverless.Engine.Definitions;
using Serverless.Engine.Replay;
using Serverless.Testing;

namespace Serverless.DurableTask.Tests.Telemetry;

/// <summary>
/// A task hub whose node work runs through the real executors (<see cref="TracedActivities"/>), so activity and http
/// attempts get their spans, with the spans recorded (<see cref="SpanRecorder"/>) and a downstream for http nodes. The
/// bounds are the main fixture's: small enough that ordinary workflows cross ContinueAsNew.
/// </summary>
public sealed class TracedTaskHubFixture : IAsyncLifetime
{
    private readonly LoopbackNodeExecutor _executor = new(new Dictionary<string, string?>(), s => s.AddTracedActivities());
    private Azurite? _azurite;
    private WorkflowTaskHub? _hub;
    private LoopbackEchoServer? _echo;

    internal WorkflowTaskHub Hub => _hub!;

    internal SpanRecorder Spans { get; } = new();

    internal LoopbackEchoServer Echo => _echo!;

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        _echo = await LoopbackEchoServer.StartAsync(timeout.Token);
        _azurite = await Azurite.StartAsync(cancellationToken: timeout.Token);
        _hub = await WorkflowTaskHub.StartAsync(_azurite.ConnectionString, "dttraces", _executor, new WorkflowTaskHubOptions
        {
            Orchestration = new OrchestrationDriverOptions { HistoryBound = 40, MaxOutstandingWork = 8, CheckpointEvery = 5 },
            DefinitionLimits = new DefinitionLimits { MaxNodes = 600 },
            Sidecar = new DurableTaskSidecarOptions { DeleteTaskHubOnDispose = true, LoggerFactory = TestLogging.FromEnvironment() },
        }, timeout.Token);
    }

    public async Task DisposeAsync()
    {
        if (_hub is not null)
        {
            await _hub.DisposeAsync();
        }

        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }

        if (_echo is not null)
        {
            await _echo.DisposeAsync();
        }

        Spans.Dispose();
        _executor.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class TracedTaskHubCollection : ICollectionFixture<TracedTaskHubFixture>
{
    public const string Name = "Durable Task traces on Azurite";
}
