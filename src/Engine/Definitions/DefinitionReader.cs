using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Serverless.Engine.Expressions;

namespace Serverless.Engine.Definitions;

/// <summary>
/// Reads one workflow document into the model, collecting every problem. Two passes over the nodes: an index
/// (ids, scopes, switch outcomes, bodies) so that <c>runAfter</c> can be checked as it is read, then the full read.
/// The graph checks (cycles, what expressions may read) run last, in <see cref="DefinitionReader"/>'s validator part.
/// </summary>
internal sealed partial class DefinitionReader
{
    internal static readonly string[] DocumentFields = ["$schema", "name", "description", "timeout", "defaults", "nodes", "output"];
    internal static readonly string[] DefaultsFields = ["retry", "timeout"];
    internal static readonly string[] BodyFields = ["nodes", "output"];

    private static readonly TemplateOptions Single = new() { RequireSingleExpression = true };

    private readonly List<ValidationError> _errors = [];
    private readonly DefinitionLimits _limits;
    private readonly Dictionary<string, NodeInfo> _index = new(StringComparer.Ordinal);
    private readonly List<ScopeInfo> _scopes = [];
    private readonly List<ReadCheck> _reads = [];
    private int _nodeCount;

    private DefinitionReader(DefinitionLimits limits) => _limits = limits;

    /// <summary>Reads and validates a parsed document.</summary>
    public static ParseResult Read(JsonElement root, DefinitionLimits limits)
    {
        var reader = new DefinitionReader(limits);
        var definition = reader.ReadDocument(root);
        return reader._errors.Count == 0 && definition is not null
            ? new ParseResult(definition, ImmutableArray<ValidationError>.Empty)
            : new ParseResult(null, [.. reader._errors]);
    }

    private WorkflowDefinition? ReadDocument(JsonElement root)
    {
        var document = ObjectReader.Open(root, "", "the document", DocumentFields, _errors);
        if (document is null)
        {
            return null;
        }

        document.GetString("$schema");
        var name = document.GetString("name", required: true);
        if (name is not null && !Syntax.WorkflowName().IsMatch(name))
        {
            document.Error("name", $"name '{name}' must be 1 to 63 lowercase letters, digits or '-'");
        }

        var description = document.GetString("description", allowEmpty: true);
        var timeout = document.GetDuration("timeout");
        var defaults = document.Get("defaults") is { } defaultsElement
            ? ReadDefaults(defaultsElement, document.PathOf("defaults"))
            : NodeDefaults.None;

        var rootScope = new ScopeInfo(parent: null, owner: null, pointer: "", depth: 0);
        var nodes = ImmutableArray<NodeDefinition>.Empty;
        if (document.Get("nodes", JsonValueKind.Object, required: true) is { } nodesElement)
        {
            Index(nodesElement, document.PathOf("nodes"), rootScope);
            if (_nodeCount > _limits.MaxNodes)
            {
                // Past the limit, stop at the index's findings: reading every node of an oversized document is work
                // a caller could make us do on purpose.
                document.Error("nodes", string.Create(CultureInfo.InvariantCulture,
                    $"the document has {_nodeCount} nodes, bodies included; at most {_limits.MaxNodes} are allowed"));
                return null;
            }

            nodes = ReadScope(rootScope);
        }

        var output = document.Get("output") is { } outputElement
            ? Compile(outputElement, document.PathOf("output"), TemplateOptions.Default, new ReadCheck(rootScope, Node: null))
            : null;

        FindCycles();
        CheckReads();

        // The model is only returned when no error was found, so a null template of an invalid field never escapes.
        return new WorkflowDefinition(name!, description, timeout, defaults, nodes, output);
    }

    private NodeDefaults ReadDefaults(JsonElement element, string pointer)
    {
        var reader = ObjectReader.Open(element, pointer, "'defaults'", DefaultsFields, _errors);
        if (reader is null)
        {
            return NodeDefaults.None;
        }

        var retry = reader.Get("retry") is { } retryElement ? ReadRetry(retryElement, reader.PathOf("retry")) : null;
        var timeout = reader.GetDuration("timeout");
        return new NodeDefaults(retry ?? ImmutableArray<RetryPolicy>.Empty, timeout);
    }

    /// <summary>First pass: ids, scopes, switch outcomes and bodies, so later checks can look any node up.</summary>
    private void Index(JsonElement nodes, string pointer, ScopeInfo scope)
    {
        _scopes.Add(scope);
        var any = false;
        foreach (var property in nodes.EnumerateObject())
        {
            any = true;
            var id = property.Name;
            var nodePointer = JsonPointer.Append(pointer, id);
            var info = new NodeInfo(id, nodePointer, property.Value, scope);
            _nodeCount++;
            scope.Entries.Add(info);
            if (!Syntax.NodeId().IsMatch(id))
            {
                _errors.Add(new(nodePointer,
                    $"node id '{id}' must start with a letter or '_' and have at most 64 letters, digits, '_' or '-'"));
            }

            if (_index.TryGetValue(id, out var first))
            {
                info.IsDuplicate = true;
                _errors.Add(new(nodePointer, first.Pointer == nodePointer
                    ? $"duplicate node id '{id}'"
                    : $"duplicate node id '{id}' (also at {first.Pointer}); ids are unique across the document, bodies included"));
            }
            else
            {
                _index.Add(id, info);
            }

            if (property.Value.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            if (property.Value.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String)
            {
                info.Type = type.GetString();
            }

            if (info.IsSwitch)
            {
                IndexCases(property.Value, info);
            }
            else if (info.Type is "foreach" or "loop"
                && property.Value.TryGetProperty("body", out var body) && body.ValueKind == JsonValueKind.Object
                && body.TryGetProperty("nodes", out var bodyNodes) && bodyNodes.ValueKind == JsonValueKind.Object)
            {
                var bodyPointer = JsonPointer.Append(nodePointer, "body");
                var bodyScope = new ScopeInfo(scope, info, bodyPointer, scope.Depth + 1);
                info.Body = bodyScope;
                if (bodyScope.Depth == _limits.MaxDepth + 1)
                {
                    _errors.Add(new(bodyPointer, string.Create(CultureInfo.InvariantCulture,
                        $"bodies are nested {bodyScope.Depth} deep here; at most {_limits.MaxDepth} levels are allowed")));
                }

                Index(bodyNodes, JsonPointer.Append(bodyPointer, "nodes"), bodyScope);
            }
        }

        if (!any)
        {
            _errors.Add(new(pointer, "'nodes' must have at least one node"));
        }
    }

    private static void IndexCases(JsonElement node, NodeInfo info)
    {
        if (node.TryGetProperty("cases", out var cases) && cases.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in cases.EnumerateObject())
            {
                info.Cases.Add(property.Name);
            }
        }

        if (node.TryGetProperty("default", out var fallback) && fallback.ValueKind == JsonValueKind.String
            && !info.Cases.Contains(fallback.GetString()!))
        {
            info.Cases.Add(fallback.GetString()!);
        }
    }

    private ImmutableArray<NodeDefinition> ReadScope(ScopeInfo scope)
    {
        var nodes = ImmutableArray.CreateBuilder<NodeDefinition>(scope.Entries.Count);
        foreach (var info in scope.Entries)
        {
            if (ReadNode(info) is { } node && !info.IsDuplicate)
            {
                nodes.Add(node);
            }
        }

        return nodes.ToImmutable();
    }

    private ImmutableArray<RunAfter> ReadRunAfter(ObjectReader reader, NodeInfo info)
    {
        if (reader.Get("runAfter") is not { } value)
        {
            return ImmutableArray<RunAfter>.Empty;
        }

        var pointer = reader.PathOf("runAfter");
        var entries = ImmutableArray.CreateBuilder<RunAfter>();
        var named = new HashSet<string>(StringComparer.Ordinal);
        switch (value.ValueKind)
        {
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    var itemPointer = JsonPointer.Append(pointer, index++);
                    if (item.ValueKind != JsonValueKind.String)
                    {
                        _errors.Add(new(itemPointer, $"a runAfter entry must be a node id, not {Syntax.Kind(item.ValueKind)}"));
                        continue;
                    }

                    var id = item.GetString()!;
                    if (!named.Add(id))
                    {
                        _errors.Add(new(itemPointer, $"'{id}' is named twice in runAfter"));
                    }
                    else if (ResolvePredecessor(id, info, itemPointer) is { } predecessor)
                    {
                        entries.Add(new RunAfter(id, Accepted(predecessor, [Syntax.BuiltInOutcomes[0]])));
                    }
                }

                break;

            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    var idPointer = JsonPointer.Append(pointer, property.Name);
                    if (!named.Add(property.Name))
                    {
                        _errors.Add(new(idPointer, $"'{property.Name}' is named twice in runAfter"));
                        continue;
                    }

                    var predecessor = ResolvePredecessor(property.Name, info, idPointer);
                    if (ReadOutcomes(property.Value, idPointer, predecessor) is { } outcomes && predecessor is not null)
                    {
                        entries.Add(new RunAfter(property.Name, Accepted(predecessor, outcomes)));
                    }
                }

                break;

            default:
                _errors.Add(new(pointer,
                    $"'runAfter' must be an array of node ids or an object mapping node ids to outcomes, not {Syntax.Kind(value.ValueKind)}"));
                break;
        }

        return entries.ToImmutable();
    }

    private NodeInfo? ResolvePredecessor(string id, NodeInfo node, string pointer)
    {
        if (!_index.TryGetValue(id, out var predecessor))
        {
            _errors.Add(new(pointer, $"unknown node '{id}' in runAfter"));
            return null;
        }

        if (predecessor.Scope != node.Scope)
        {
            _errors.Add(new(pointer, node.Scope.Owner is { } owner
                ? $"node '{id}' is in another scope: runAfter in the body of '{owner.Id}' names only nodes of that body"
                : $"node '{id}' is in another scope: runAfter at the top level names only top-level nodes"));
            return null;
        }

        if (!node.IsDuplicate && !node.Predecessors.Contains(predecessor))
        {
            node.Predecessors.Add(predecessor);
        }

        return predecessor;
    }

    private List<string>? ReadOutcomes(JsonElement value, string pointer, NodeInfo? predecessor)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            _errors.Add(new(pointer, $"the outcomes accepted from '{JsonPointerTail(pointer)}' must be an array, not {Syntax.Kind(value.ValueKind)}"));
            return null;
        }

        var outcomes = new List<string>();
        var valid = true;
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var itemPointer = JsonPointer.Append(pointer, index++);
            if (item.ValueKind != JsonValueKind.String)
            {
                _errors.Add(new(itemPointer, $"an outcome must be a string, not {Syntax.Kind(item.ValueKind)}"));
                valid = false;
                continue;
            }

            var outcome = item.GetString()!;
            if (predecessor is not null && OutcomeProblem(outcome, predecessor) is { } problem)
            {
                _errors.Add(new(itemPointer, problem));
                valid = false;
                continue;
            }

            if (!outcomes.Contains(outcome))
            {
                outcomes.Add(outcome);
            }
        }

        if (index == 0)
        {
            _errors.Add(new(pointer, "name at least one outcome (succeeded, failed, skipped or a case name)"));
            return null;
        }

        return valid ? outcomes : null;
    }

    private static string? OutcomeProblem(string outcome, NodeInfo predecessor)
    {
        if (outcome == "cancelled")
        {
            return "no runAfter accepts 'cancelled': a cancelled node's scope has already ended";
        }

        if (Syntax.BuiltInOutcomes.Contains(outcome) || (predecessor.IsSwitch && predecessor.Cases.Contains(outcome)))
        {
            return null;
        }

        return predecessor.IsSwitch
            ? $"switch '{predecessor.Id}' has no case '{outcome}'; its outcomes are {Syntax.OneOf([.. Syntax.BuiltInOutcomes, .. predecessor.Cases])}"
            : $"'{outcome}' is not an outcome of '{predecessor.Id}': use succeeded, failed or skipped (case names only after a switch)";
    }

    /// <summary>For a switch, <c>succeeded</c> means whichever case it chose, so the case names are added.</summary>
    private static ImmutableArray<string> Accepted(NodeInfo predecessor, List<string> outcomes)
    {
        if (predecessor.IsSwitch && outcomes.Contains(Syntax.BuiltInOutcomes[0]))
        {
            foreach (var name in predecessor.Cases)
            {
                if (!outcomes.Contains(name))
                {
                    outcomes.Add(name);
                }
            }
        }

        return [.. outcomes];
    }

    private static string JsonPointerTail(string pointer) =>
        pointer[(pointer.LastIndexOf('/') + 1)..].Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);

    /// <summary>Compiles a template, and remembers what its expressions may read for <see cref="CheckReads"/>.</summary>
    private Template? Compile(JsonElement value, string pointer, TemplateOptions options, ReadCheck? check)
    {
        var template = Template.Compile(value, pointer, options, _errors);
        if (template is not null && check is not null && !template.ReferencedNodes.IsDefaultOrEmpty)
        {
            _reads.Add(check with { Template = template, Value = value, Pointer = pointer });
        }

        return template;
    }

    /// <summary>Compiles a field that must be one <c>${{ }}</c> expression (if, until, items, switch cases).</summary>
    private Template? CompileExpression(ObjectReader reader, string name, bool required, ReadCheck? check)
    {
        if (reader.Get(name, required) is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            reader.Error(name, $"'{name}' must be a string holding one ${{{{ }}}} expression, not {Syntax.Kind(value.ValueKind)}");
            return null;
        }

        return Compile(value, reader.PathOf(name), Single, check);
    }
}
