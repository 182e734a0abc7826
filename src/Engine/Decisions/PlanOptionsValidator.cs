using Microsoft.Extensions.Options;

namespace Serverless.Engine.Decisions;

/// <summary>The source-generated DataAnnotations validator of <see cref="PlanOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class PlanOptionsValidator : IValidateOptions<PlanOptions>;
