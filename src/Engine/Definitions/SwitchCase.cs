using Serverless.Engine.Expressions;

namespace Serverless.Engine.Definitions;

/// <summary>One case of a switch.</summary>
/// <param name="Name">The case name, also the switch's outcome.</param>
/// <param name="Condition">A boolean expression.</param>
internal sealed record SwitchCase(string Name, Template Condition);
