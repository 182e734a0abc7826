using System.Collections.Concurrent;
using Serverless.Engine.Decisions;
using Serverless.Engine.Definitions;

namespace Serverless.Engine.Registry;

/// <summary>
/// The one path from a stored definition to a plan: parses with the host's <see cref="DefinitionLimits"/>, compiles with
/// its <see cref="PlanOptions"/>, and caches each (workflow, version) for the process lifetime (versions are
/// immutable). The registry, the hosts' runtimes, the durable orchestration and its node activity all compile here, so
/// a definition that registered under raised limits also runs under them.
/// </summary>
internal sealed class WorkflowCompiler
{
    private readonly ConcurrentDictionary<(string Name, int Version), WorkflowPlan> _plans = new();

    /// <summary>Creates a compiler with the host's limits (the defaults when null).</summary>
    public WorkflowCompiler(DefinitionLimits? limits = null, PlanOptions? planOptions = null)
    {
        Limits = limits ?? DefinitionLimits.Default;
        PlanOptions = planOptions ?? PlanOptions.Default;
        PlanOptions.Validate();
    }

    /// <summary>The limits documents are checked against.</summary>
    public DefinitionLimits Limits { get; }

    /// <summary>The host limits plans are compiled with.</summary>
    public PlanOptions PlanOptions { get; }

    /// <summary>Parses and validates a document with <see cref="Limits"/>.</summary>
    public ParseResult Parse(string json) => DefinitionParser.Parse(json, Limits);

    /// <summary>
    /// The plan of version <paramref name="version"/> of <paramref name="name"/>, whose document is
    /// <paramref name="json"/>; compiled once. Throws <see cref="InvalidDefinitionException"/> when the document does
    /// not validate under <see cref="Limits"/>.
    /// </summary>
    public WorkflowPlan Compile(string name, int version, string json)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(json);
        if (_plans.TryGetValue((name, version), out var cached))
        {
            return cached;
        }

        var parsed = Parse(json);
        if (!parsed.IsValid)
        {
            throw new InvalidDefinitionException(name, version, parsed.Errors);
        }

        return _plans.GetOrAdd((name, version), WorkflowPlan.Compile(parsed.Definition!, version, PlanOptions));
    }

    /// <summary>The plan of a version compiled before, without reading its document again.</summary>
    public bool TryGetCompiled(string name, int version, out WorkflowPlan plan)
        => _plans.TryGetValue((name, version), out plan!);

    /// <summary>Caches the plan of a definition the registry has just validated and stored.</summary>
    internal void Add(string name, int version, WorkflowDefinition definition)
        => _plans.TryAdd((name, version), WorkflowPlan.Compile(definition, version, PlanOptions));
}
