using Microsoft.Extensions.Options;

namespace Serverless.Engine.Execution;

/// <summary>The source-generated DataAnnotations validator of <see cref="WorkflowExecutorOptions"/> (nested options included).</summary>
[OptionsValidator]
internal sealed partial class WorkflowExecutorOptionsValidator : IValidateOptions<WorkflowExecutorOptions>;
