using Serverless.Engine.Definitions;
using Serverless.Engine.Replay;
using Serverless.Testing;

namespace Serverless.DurableTask.Tests.Infrastructure;

/// <summary>
/// One Azurite and one task hub for the tests of this collection: the orchestration and activities of src/DurableTask on
/// the Durable Task engine with the Azure Storage provider, through the gRPC sidecar, as Durable Functions runs them.
/// Timers are not corrected by the fixture: like Durable Functions on Azure Storage, they may arrive early.
/// </summary>
public sealed class DurableTaskFixture : IAsyncLifetime
{
    private readonly LoopbackNodeExecutor _http = new(new Dictionary<string, string?> { [$"Secrets:{SecretForgery.Name}"] = SecretForgery.Value });
    private Azurite? _azurite;
    private WorkflowTaskHub? _hub;
    private LoopbackEchoServer? _echo;

    public DurableTaskFixture() => Activities = new ScriptedActivities { Http = _http };

    internal WorkflowTaskHub Hub => _hub!;

    /// <summary>Scripted activities; http nodes run on the real executor (loopback allowed, secret API_KEY set).</summary>
    internal ScriptedActivities Activities { get; }

    /// <summary>A downstream for http nodes.</summary>
    internal LoopbackEchoServer Echo => _echo!;

    public string ConnectionString => _azurite!.ConnectionString;

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        _echo = await LoopbackEchoServer.StartAsync(timeout.Token);
        _azurite = await Azurite.StartAsync(cancellationToken: timeout.Token);
        _hub = await WorkflowTaskHub.StartAsync(_azurite.ConnectionString, "dttests", Activities, new WorkflowTaskHubOptions
        {
            // Small bounds so ordinary tests cross ContinueAsNew and the width cap.
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

        _http.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class DurableTaskCollection : ICollectionFixture<DurableTaskFixture>
{
    public const string Name = "Durable Task on Azurite";
}
