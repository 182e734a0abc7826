using Serverless.DurableTask.Tests.Infrastructure;
using Serverless.Testing;

namespace Serverless.DurableTask.Tests.Telemetry;

/// <summary>
/// A task hub whose node work runs through the real executors (<see cref="TracedActivities"/>), so activity and http
/// attempts get their spans, with the spans recorded (<see cref="SpanRecorder"/>) and a downstream for http nodes. The
/// bounds are the main fixture's: small enough that ordinary workflows cross ContinueAsNew.
/// </summary>
public sealed class TracedTaskHubFixture : TaskHubOnAzuriteFixture
{
    private readonly LoopbackNodeExecutor _executor;

    public TracedTaskHubFixture()
        : this(new LoopbackNodeExecutor(new Dictionary<string, string?>(), s => s.AddTracedActivities()))
    {
    }

    private TracedTaskHubFixture(LoopbackNodeExecutor executor)
        : base("dttraces", executor) => _executor = executor;

    internal SpanRecorder Spans { get; } = new();

    protected override void DisposeExecutor()
    {
        Spans.Dispose();
        _executor.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class TracedTaskHubCollection : ICollectionFixture<TracedTaskHubFixture>
{
    public const string Name = "Durable Task traces on Azurite";
}
