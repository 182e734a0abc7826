using System.Text.Json;
using System.Text.Json.Serialization;

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
