using Microsoft.Extensions.Options;

namespace Serverless.Standalone;

/// <summary>The source-generated DataAnnotations validator of <see cref="StandaloneHostOptions"/>, run at start (<c>ValidateOnStart</c>).</summary>
[OptionsValidator]
internal sealed partial class StandaloneHostOptionsValidator : IValidateOptions<StandaloneHostOptions>;
