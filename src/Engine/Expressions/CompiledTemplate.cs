using System.Collections.Immutable;

namespace Serverless.Engine.Expressions;

/// <summary>What <see cref="Template.Compiled"/> holds.</summary>
/// <param name="Root">The template tree.</param>
/// <param name="Globals">The scope variables any expression reads.</param>
/// <param name="AllNodes">Whether some expression reads nodes it does not name.</param>
/// <param name="PartialReads">
/// The JSON scope variables every expression reads only through static property names, with those names: evaluation
/// converts just those properties. A variable read any other way is absent and converted whole.
/// </param>
internal sealed record CompiledTemplate(TemplateNode Root, ScopeGlobals Globals, bool AllNodes, ImmutableDictionary<ScopeGlobals, ImmutableArray<string>> PartialReads);
