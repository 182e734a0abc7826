using Microsoft.Extensions.Options;

namespace Serverless.Engine.Replay;

/// <summary>The source-generated DataAnnotations validator of <see cref="OrchestrationDriverOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class OrchestrationDriverOptionsValidator : IValidateOptions<OrchestrationDriverOptions>;
