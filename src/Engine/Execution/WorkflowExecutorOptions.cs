using Microsoft.Extensions.Options;

namespace Serverless.Engine.Execution;

/// <summary>
/// Options of the node executors that do I/O (<c>http</c> and <c>activity</c> nodes). Set them in
/// <see cref="WorkflowExecutorServiceCollectionExtensions.AddWorkflowExecutors"/> or bind them from configuration
/// (section <c>Executors</c> by convention). Every default is documented; every value is checked by its
/// DataAnnotations (<see cref="WorkflowExecutorOptionsValidator"/>) when the host starts, or when the executors are
/// first resolved without a host.
/// </summary>
public sealed class WorkflowExecutorOptions
{
    /// <summary>Options of <c>http</c> nodes.</summary>
    [ValidateObjectMembers]
    public HttpNodeOptions Http { get; set; } = new();

    /// <summary>Options of <c>activity</c> nodes.</summary>
    [ValidateObjectMembers]
    public ActivityNodeOptions Activities { get; set; } = new();

    /// <summary>Throws <see cref="InvalidOperationException"/> listing every invalid value (the executors' check when built without DI).</summary>
    internal void Validate() => new WorkflowExecutorOptionsValidator().ThrowIfInvalid(this);

    /// <summary>
    /// The options <paramref name="options"/> holds, validated: a validator registered with DI (by
    /// <see cref="WorkflowExecutorServiceCollectionExtensions.AddWorkflowExecutors"/>) has already run when they were
    /// built; options made without DI (<c>Options.Create</c>) are checked here. Either way an invalid value throws
    /// <see cref="InvalidOperationException"/> naming it.
    /// </summary>
    internal static WorkflowExecutorOptions Validated(IOptions<WorkflowExecutorOptions> options)
    {
        WorkflowExecutorOptions value;
        try
        {
            value = options.Value;
        }
        catch (OptionsValidationException ex)
        {
            throw new InvalidOperationException(OptionsValidation.Message(ex.OptionsType, ex.Failures), ex);
        }

        value.Validate();
        return value;
    }
}
