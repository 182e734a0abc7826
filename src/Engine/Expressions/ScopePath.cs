using System.Collections.Immutable;

namespace Serverless.Engine.Expressions;

/// <summary>A plain property path from a scope variable.</summary>
/// <param name="Root">The scope variable.</param>
/// <param name="Segments">Property names and array indexes, in order.</param>
internal sealed record ScopePath(string Root, ImmutableArray<string> Segments);
