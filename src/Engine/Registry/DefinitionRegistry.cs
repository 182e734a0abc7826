using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.Engine.Api;
using Serverless.Engine.Decisions;
using Serverless.Engine.Definitions;

namespace Serverless.Engine.Registry;

/// <summary>
/// The definition registry both hosts share: validates, versions (content different from the latest makes version
/// latest + 1; content equal to the latest returns it) and resolves versions to plans through its
/// <see cref="WorkflowCompiler"/> (the one compile path, with one cache). "Latest" is always read from the store so a
/// new version is visible to every host process at once.
/// </summary>
internal sealed class DefinitionRegistry
{
    private readonly IDefinitionStore _store;
    private readonly TimeProvider _time;
    private readonly WorkflowCompiler _compiler;

    /// <summary>Creates a registry over <paramref name="store"/> that compiles with <paramref name="compiler"/>.</summary>
    public DefinitionRegistry(IDefinitionStore store, TimeProvider time, WorkflowCompiler compiler)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(compiler);
        _store = store;
        _time = time;
        _compiler = compiler;
    }

    /// <summary>Creates a registry with a compiler of its own (the default limits when null).</summary>
    public DefinitionRegistry(IDefinitionStore store, TimeProvider time, DefinitionLimits? limits = null, PlanOptions? planOptions = null)
        : this(store, time, new WorkflowCompiler(limits, planOptions))
    {
    }

    /// <summary>The compiler every plan of this registry comes from.</summary>
    public WorkflowCompiler Compiler => _compiler;

    /// <summary>The host limits plans are compiled with.</summary>
    public PlanOptions PlanOptions => _compiler.PlanOptions;

    /// <summary>The limits documents are checked against.</summary>
    public DefinitionLimits Limits => _compiler.Limits;

    /// <summary>The store.</summary>
    public IDefinitionStore Store => _store;

    /// <summary>Validates a document without registering it: the body of <c>POST /api/workflows/validate</c>.</summary>
    public static JsonObject Validate(string json, DefinitionLimits? limits = null)
    {
        var result = DefinitionParser.Parse(json, limits);
        return new JsonObject
        {
            ["valid"] = result.IsValid,
            ["errors"] = new JsonArray([.. result.Errors.Select(e => (JsonNode)new JsonObject { ["path"] = e.Path, ["message"] = e.Message })]),
        };
    }

    /// <summary>Registers <paramref name="json"/> under <paramref name="routeName"/> (<c>PUT /api/workflows/{name}</c>).</summary>
    public async Task<RegisterResult> RegisterAsync(string routeName, string json, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (ApiValidation.CheckWorkflowName(routeName) is { } nameError)
        {
            return new RegisterResult(nameError, routeName, 0, false);
        }

        var parsed = _compiler.Parse(json);
        if (!parsed.IsValid)
        {
            return new RegisterResult(
                ApiError.Validation($"The definition has {parsed.Errors.Length} error(s).", parsed.Errors), routeName, 0, false);
        }

        if (!string.Equals(parsed.Definition!.Name, routeName, StringComparison.Ordinal))
        {
            return new RegisterResult(
                ApiError.Invalid("/name", $"The document's name '{parsed.Definition.Name}' differs from the route's name '{routeName}'."),
                routeName, 0, false);
        }

        using var incoming = JsonDocument.Parse(json);
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var latest = await _store.GetLatestAsync(routeName, cancellationToken);
            if (latest is not null)
            {
                using var current = JsonDocument.Parse(latest.Json);
                if (JsonElement.DeepEquals(current.RootElement, incoming.RootElement))
                {
                    return new RegisterResult(null, routeName, latest.Version, false);
                }
            }

            var next = new StoredDefinition(routeName, (latest?.Version ?? 0) + 1, json, _time.GetUtcNow());
            if (await _store.TryAddAsync(next, cancellationToken))
            {
                _compiler.Add(routeName, next.Version, parsed.Definition);
                return new RegisterResult(null, routeName, next.Version, true);
            }
        }

        return new RegisterResult(ApiError.Conflict($"Workflow '{routeName}' is being registered concurrently; try again."), routeName, 0, false);
    }

    /// <summary>
    /// Resolves a version (null: the latest, read from the store) to its plan, compiled once. Null when the workflow or
    /// version does not exist; throws <see cref="InvalidDefinitionException"/> when the stored document no longer
    /// validates under the host's limits.
    /// </summary>
    public async Task<WorkflowPlan?> ResolveAsync(string name, int? version, CancellationToken cancellationToken)
    {
        if (version is { } v && _compiler.TryGetCompiled(name, v, out var cached))
        {
            return cached;
        }

        var stored = version is { } exact
            ? await _store.GetAsync(name, exact, cancellationToken)
            : await _store.GetLatestAsync(name, cancellationToken);
        return stored is null ? null : _compiler.Compile(name, stored.Version, stored.Json);
    }

    /// <summary>A stored document with its <c>version</c> (and <c>createdAt</c>) added, as <c>GET /api/workflows/{name}</c> returns it.</summary>
    public static JsonNode ToResponse(StoredDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var node = JsonNode.Parse(definition.Json) as JsonObject ?? new JsonObject();
        node["version"] = definition.Version;
        node["createdAt"] = definition.CreatedAt.UtcDateTime;
        return node;
    }
}
