using Serverless.Engine.Definitions;
using Serverless.Engine.Execution;
using Serverless.Engine.Replay;
using Serverless.Testing;

namespace Serverless.DurableTask.Tests.Infrastructure;

/// <summary>
/// An Azurite of its own, a task hub on it running src/DurableTask's orchestration and activities on the Durable Task
/// engine (Azure Storage provider, gRPC sidecar, as Durable Functions runs them) with node work on
/// the derived fixture's executor, and a loopback downstream for http nodes. The bounds are small, so ordinary workflows
/// cross ContinueAsNew and the width cap. Timers are not corrected: like Durable Functions on Azure Storage, they may
/// arrive early.
/// </summary>
public abstract class TaskHubOnAzuriteFixture : IAsyncLifetime
{
    private readonly string _taskHub;
    private readonly INodeExecutor _executor;
    private Azurite? _azurite;
    private WorkflowTaskHub? _hub;
    private LoopbackEchoServer? _echo;

    private protected TaskHubOnAzuriteFixture(string taskHub, INodeExecutor executor)
    {
        _taskHub = taskHub;
        _executor = executor;
    }

    internal WorkflowTaskHub Hub => _hub!;

    /// <summary>A downstream for http nodes.</summary>
    internal LoopbackEchoServer Echo => _echo!;

    public string ConnectionString => _azurite!.ConnectionString;

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        _echo = await LoopbackEchoServer.StartAsync(timeout.Token);
        _azurite = await Azurite.StartAsync(cancellationToken: timeout.Token);
        _hub = await WorkflowTaskHub.StartAsync(_azurite.ConnectionString, _taskHub, _executor, new WorkflowTaskHubOptions
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

        DisposeExecutor();
    }

    /// <summary>Disposes what the derived fixture made for node work, once the hub has stopped.</summary>
    protected abstract void DisposeExecutor();
}
