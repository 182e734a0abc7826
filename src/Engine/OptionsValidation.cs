using Microsoft.Extensions.Options;

namespace Serverless.Engine;

/// <summary>
/// Runs an options type's source-generated validator where options arrive without DI (a plan compiled with
/// <c>PlanOptions</c>, executors built over <c>Options.Create</c>), so those paths refuse exactly what
/// <c>ValidateOnStart</c> refuses in a host, with the same messages.
/// </summary>
internal static class OptionsValidation
{
    /// <summary>Throws <see cref="InvalidOperationException"/> listing every failure when <paramref name="options"/> is invalid.</summary>
    public static void ThrowIfInvalid<TOptions>(this IValidateOptions<TOptions> validator, TOptions options)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(options);
        var result = validator.Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            throw new InvalidOperationException(Message(typeof(TOptions), result.Failures ?? []));
        }
    }

    /// <summary>The message of an invalid options object: <c>Invalid {Type}: {failures}</c>.</summary>
    public static string Message(Type optionsType, IEnumerable<string> failures) =>
        $"Invalid {optionsType.Name}: {string.Join(" ", failures)}";
}
