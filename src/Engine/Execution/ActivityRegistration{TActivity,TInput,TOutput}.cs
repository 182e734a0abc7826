using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Serverless.Engine.Execution;

internal sealed class ActivityRegistration<TActivity, TInput, TOutput>(string name) : ActivityRegistration(name, typeof(TActivity))
    where TActivity : IWorkflowActivity<TInput, TOutput>
{
    public override Type InputType => typeof(TInput);

    // Whether RunAsync's input parameter is declared non-nullable (a reference type without '?').
    private static readonly bool InputRequired = IsInputRequired();

    public override object? ReadInput(JsonElement input)
    {
        var value = input.Deserialize<TInput>(SerializerOptions);
        return value is null && InputRequired
            ? throw new JsonException($"The input is null, but {typeof(TInput).Name} is required.", "$", null, null)
            : value;
    }

    private static bool IsInputRequired()
    {
        if (typeof(TInput).IsValueType)
        {
            return false;
        }

        var map = typeof(TActivity).GetInterfaceMap(typeof(IWorkflowActivity<TInput, TOutput>));
        var parameter = map.TargetMethods[0].GetParameters()[0];
        return new NullabilityInfoContext().Create(parameter).ReadState == NullabilityState.NotNull;
    }

    public override async Task<object?> RunAsync(IServiceProvider services, object? input, ActivityContext context, CancellationToken cancellationToken)
    {
        var activity = services.GetRequiredService<TActivity>();
        return await activity.RunAsync((TInput)input!, context, cancellationToken).ConfigureAwait(false);
    }

    public override byte[] WriteOutput(object? output) => JsonSerializer.SerializeToUtf8Bytes((TOutput)output!, SerializerOptions);
}
