using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Serverless.Engine.Telemetry;

namespace Serverless.Engine.Execution;

/// <summary>Registers the node executors and custom activities. The same calls work in both hosts.</summary>
public static partial class WorkflowExecutorServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="INodeExecutor"/> (routing <c>http</c> and <c>activity</c> nodes), the default
    /// <see cref="ISecretProvider"/> (configuration section <c>Secrets</c>) and <see cref="TimeProvider.System"/>
    /// unless already registered. Needs logging (<c>ILogger&lt;T&gt;</c>) from the host.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">
    /// Sets <see cref="WorkflowExecutorOptions"/>; validated when the host starts (<c>ValidateOnStart</c>), or when the
    /// executors are first resolved without a host.
    /// </param>
    public static IServiceCollection AddWorkflowExecutors(this IServiceCollection services, Action<WorkflowExecutorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<TraceOptions>();
        var options = services.AddOptions<WorkflowExecutorOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WorkflowExecutorOptions>, WorkflowExecutorOptionsValidator>());
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ISecretProvider>(sp => new ConfigurationSecretProvider(sp.GetService<IConfiguration>()));
        services.TryAddSingleton<IHostResolver, DnsHostResolver>();
        services.TryAddSingleton<ActivityRegistry>();
        services.TryAddSingleton<HttpNodeExecutor>();
        services.TryAddSingleton<ActivityNodeExecutor>();
        services.TryAddSingleton<INodeExecutor, NodeExecutor>();
        return services;
    }

    /// <summary>
    /// Registers <typeparamref name="TActivity"/> as the activity that <c>activity</c> nodes call as
    /// <paramref name="name"/>. <typeparamref name="TActivity"/> must implement
    /// <see cref="IWorkflowActivity{TInput, TOutput}"/> once; it is resolved per attempt from a new scope (registered
    /// transient unless you registered it yourself).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The name nodes use: 1-100 characters of letters, digits, <c>-</c>, <c>_</c> and <c>.</c>; case-sensitive.</param>
    /// <exception cref="ArgumentException">The name is invalid or the type is not an activity.</exception>
    public static IServiceCollection AddWorkflowActivity<TActivity>(this IServiceCollection services, string name)
        where TActivity : class
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(name);
        if (!ActivityName().IsMatch(name))
        {
            throw new ArgumentException($"'{name}' is not a valid activity name: use 1-100 letters, digits, '-', '_' or '.'.", nameof(name));
        }

        services.AddSingleton(ActivityRegistration.Create(name, typeof(TActivity)));
        services.TryAddTransient<TActivity>();
        return services;
    }

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,100}$", RegexOptions.CultureInvariant)]
    private static partial Regex ActivityName();
}
