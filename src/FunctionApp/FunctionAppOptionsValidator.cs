using Microsoft.Extensions.Options;

namespace Serverless.FunctionApp;

/// <summary>The source-generated DataAnnotations validator of <see cref="FunctionAppOptions"/>, run at start (<c>ValidateOnStart</c>).</summary>
[OptionsValidator]
internal sealed partial class FunctionAppOptionsValidator : IValidateOptions<FunctionAppOptions>;
