using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Serverless.Engine.Decisions;
using Serverless.Engine.Definitions;
using Serverless.Engine.Replay;

namespace Serverless.FunctionApp;

/// <summary>The source-generated DataAnnotations validator of <see cref="FunctionAppOptions"/>, run at start (<c>ValidateOnStart</c>).</summary>
[OptionsValidator]
internal sealed partial class FunctionAppOptionsValidator : IValidateOptions<FunctionAppOptions>;
