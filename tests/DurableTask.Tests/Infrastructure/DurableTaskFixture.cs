using Serverless.Testing;

namespace Serverless.DurableTask.Tests.Infrastructure;

/// <summary>
/// The task hub for the tests of this collection: node work on <see cref="ScriptedActivities"/>, http nodes on the real
/// executor (loopback allowed, secret API_KEY set).
/// </summary>
public sealed class DurableTaskFixture : TaskHubOnAzuriteFixture
{
    private readonly LoopbackNodeExecutor _http;

    public DurableTaskFixture()
        : this(new LoopbackNodeExecutor(new Dictionary<string, string?> { [$"Secrets:{SecretForgery.Name}"] = SecretForgery.Value }))
    {
    }

    private DurableTaskFixture(LoopbackNodeExecutor http)
        : this(http, new ScriptedActivities { Http = http })
    {
    }

    private DurableTaskFixture(LoopbackNodeExecutor http, ScriptedActivities activities)
        : base("dttests", activities)
    {
        _http = http;
        Activities = activities;
    }

    /// <summary>Scripted activities; http nodes run on the real executor (loopback allowed, secret API_KEY set).</summary>
    internal ScriptedActivities Activities { get; }

    protected override void DisposeExecutor() => _http.Dispose();
}

[CollectionDefinition(Name)]
public sealed class DurableTaskCollection : ICollectionFixture<DurableTaskFixture>
{
    public const string Name = "Durable Task on Azurite";
}
