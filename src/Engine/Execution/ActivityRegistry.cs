using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;

namespace Serverless.Engine.Execution;

/// <summary>One registered activity: its name and how to call it with JSON in and out.</summary>
internal abstract class ActivityRegistration(string name, Type activityType)
{
    /// <summary>How inputs and outputs are (de)serialized: web defaults (camelCase, case-insensitive), nullable annotations respected.</summary>
    public static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web)
    {
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        NumberHandling = JsonNumberHandling.Strict,
    };

    public string Name { get; } = name;

    public Type ActivityType { get; } = activityType;

    public abstract Type InputType { get; }

    /// <summary>Deserializes the input; throws <see cref="JsonException"/> (with a path) when it does not fit.</summary>
    public abstract object? ReadInput(JsonElement input);

    /// <summary>Resolves the activity from <paramref name="services"/> and runs it.</summary>
    public abstract Task<object?> RunAsync(IServiceProvider services, object? input, ActivityContext context, CancellationToken cancellationToken);

    /// <summary>Serializes the output.</summary>
    public abstract byte[] WriteOutput(object? output);

    public static ActivityRegistration Create(string name, Type activityType)
    {
        var contracts = activityType.GetInterfaces()
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IWorkflowActivity<,>))
            .ToList();
        if (contracts.Count != 1 || activityType.IsAbstract || activityType.IsInterface)
        {
            throw new ArgumentException(
                $"{activityType.FullName} must be a concrete class implementing IWorkflowActivity<TInput, TOutput> exactly once.",
                nameof(activityType));
        }

        var arguments = contracts[0].GetGenericArguments();
        var closed = typeof(ActivityRegistration<,,>).MakeGenericType(activityType, arguments[0], arguments[1]);
        return (ActivityRegistration)Activator.CreateInstance(closed, name)!;
    }
}

internal sealed class ActivityRegistration<TActivity, TInput, TOutput>(string name) : ActivityRegistration(name, typeof(TActivity))
    where TActivity : IWorkflowActivity<TInput, TOutput>
{
    public override Type InputType => typeof(TInput);

    public override object? ReadInput(JsonElement input) => input.Deserialize<TInput>(SerializerOptions);

    public override async Task<object?> RunAsync(IServiceProvider services, object? input, ActivityContext context, CancellationToken cancellationToken)
    {
        var activity = services.GetRequiredService<TActivity>();
        return await activity.RunAsync((TInput)input!, context, cancellationToken).ConfigureAwait(false);
    }

    public override byte[] WriteOutput(object? output) => JsonSerializer.SerializeToUtf8Bytes((TOutput)output!, SerializerOptions);
}

/// <summary>The activities the app registered, by name (case-sensitive).</summary>
internal sealed class ActivityRegistry
{
    private readonly FrozenDictionary<string, ActivityRegistration> _byName;

    public ActivityRegistry(IEnumerable<ActivityRegistration> registrations)
    {
        var byName = new Dictionary<string, ActivityRegistration>(StringComparer.Ordinal);
        foreach (var registration in registrations)
        {
            if (byName.TryGetValue(registration.Name, out var existing))
            {
                throw new InvalidOperationException(
                    $"Activity '{registration.Name}' is registered twice: by {existing.ActivityType.FullName} and by {registration.ActivityType.FullName}.");
            }

            byName.Add(registration.Name, registration);
        }

        _byName = byName.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public IEnumerable<string> Names => _byName.Keys;

    public bool TryGet(string name, out ActivityRegistration registration) => _byName.TryGetValue(name, out registration!);
}
