using System.Collections.Immutable;

namespace Serverless.Engine.Expressions;

/// <summary>A string with text around expressions or secret references: interpolates to a string.</summary>
/// <param name="parts">The parts, in order.</param>
/// <param name="pointer">
/// Where the string stands in the template's result, as a JSON pointer relative to the template (fixed, because only
/// objects and arrays of the template itself lead to it): the place its secret references are reported for.
/// </param>
internal sealed class InterpolationNode(ImmutableArray<InterpolationPart> parts, string pointer) : TemplateNode
{
    public ImmutableArray<InterpolationPart> Parts { get; } = parts;

    public string Pointer { get; } = pointer;
}
