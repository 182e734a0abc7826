using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Engine.Execution;

namespace Serverless.Testing;

/// <summary>
/// The real node executors (<c>AddWorkflowExecutors</c>: the http executor with its network guard, secrets and
/// redaction) as a host builds them, with loopback opened and the given configuration (<c>Secrets:NAME</c> values).
/// </summary>
internal sealed class LoopbackNodeExecutor : INodeExecutor, IDisposable
{
    private readonly ServiceProvider _services;
    private readonly INodeExecutor _executor;

    /// <summary>Builds the executors over <paramref name="configuration"/>; <paramref name="configure"/> adds services (activities).</summary>
    public LoopbackNodeExecutor(IReadOnlyDictionary<string, string?> configuration, Action<IServiceCollection>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(configuration).Build());
        services.AddLogging();
        services.AddWorkflowExecutors(options => options.Http.Network.AllowLoopback = true);
        configure?.Invoke(services);
        _services = services.BuildServiceProvider();
        _executor = _services.GetRequiredService<INodeExecutor>();
    }

    /// <inheritdoc/>
    public Task<NodeOutcome> ExecuteAsync(NodeWork work, CancellationToken cancellationToken) => _executor.ExecuteAsync(work, cancellationToken);

    /// <inheritdoc/>
    public void Dispose() => _services.Dispose();
}
