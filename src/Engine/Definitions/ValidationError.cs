namespace Serverless.Engine.Definitions;

/// <summary>One problem in a definition, input or request.</summary>
/// <param name="Path">A JSON pointer (RFC 6901) to where the problem is; "" for the whole document.</param>
/// <param name="Message">What is wrong, in the user's words.</param>
internal sealed record ValidationError(string Path, string Message);
