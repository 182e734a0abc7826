using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Acornima.Ast;

namespace Serverless.Engine.Expressions;

/// <summary>What an expression reads, found by walking its syntax tree once at compile time.</summary>
internal sealed partial class ExpressionAnalyzer
{
    private readonly SortedSet<string> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<ScopeGlobals, SortedSet<string>?> _reads = [];

    private ExpressionAnalyzer()
    {
    }

    public ScopeGlobals Globals { get; private set; }

    public bool AllNodes { get; private set; }

    public bool ReadsSecrets { get; private set; }

    public ImmutableArray<string> Nodes => [.. _nodes];

    /// <summary>
    /// For each JSON scope variable the expression reads, the property names it reads (<c>input.a</c>,
    /// <c>input["b"]</c>), or null when it reads the value some other way and needs all of it.
    /// </summary>
    public IReadOnlyDictionary<ScopeGlobals, SortedSet<string>?> Reads => _reads;

    public static ExpressionAnalyzer Analyze(Expression expression)
    {
        var analyzer = new ExpressionAnalyzer();
        analyzer.Visit(expression);
        return analyzer;
    }

    /// <summary>Returns the secret name when <paramref name="expression"/> is exactly <c>secrets.NAME</c>.</summary>
    public static string? AsSecretToken(Expression expression)
        => expression is MemberExpression { Computed: false, Optional: false, Object: Identifier { Name: "secrets" }, Property: Identifier property }
            && SecretName().IsMatch(property.Name)
            ? property.Name
            : null;

    /// <summary>
    /// Returns <paramref name="expression"/> as a plain path (<c>input.a.b</c>, <c>nodes["x"].output[0]</c>) from a
    /// scope variable, which evaluation can follow on the JSON values without the engine.
    /// </summary>
    public static ScopePath? AsPath(Expression expression)
    {
        var segments = new List<string>();
        var current = expression;
        while (current is MemberExpression { Optional: false } member)
        {
            switch (member.Property)
            {
                case Identifier id when !member.Computed:
                    segments.Add(id.Name);
                    break;
                case StringLiteral literal when member.Computed:
                    segments.Add(literal.Value);
                    break;
                case NumericLiteral number when member.Computed && number.Value is >= 0 and <= int.MaxValue && Math.Floor(number.Value) == number.Value:
                    segments.Add(((int)number.Value).ToString(System.Globalization.CultureInfo.InvariantCulture));
                    break;
                default:
                    return null;
            }

            current = member.Object;
        }

        if (current is not Identifier { Name: "input" or "nodes" or "instance" or "item" or "index" or "iteration" or "previous" or "output" } root)
        {
            return null;
        }

        segments.Reverse();
        return new ScopePath(root.Name, [.. segments]);
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex SecretName();

    private void Visit(Node? node)
    {
        // Throws InsufficientExecutionStackException (reported as a validation error) rather than overflowing the stack.
        System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();
        switch (node)
        {
            case null:
                return;
            case MemberExpression { Object: Identifier { Name: "nodes" } } member:
                Globals |= ScopeGlobals.Nodes;
                switch (member.Property)
                {
                    case Identifier id when !member.Computed:
                        _nodes.Add(id.Name);
                        break;
                    case StringLiteral literal when member.Computed:
                        _nodes.Add(literal.Value);
                        break;
                    default:
                        AllNodes = true;
                        Visit(member.Property);
                        break;
                }

                return;
            case CallExpression { Callee: MemberExpression { Object: Identifier { Name: var name } } } call when JsonRoot(name) is { } root:
                // A method called on the value (input.hasOwnProperty('x')) can see every property.
                ReadWhole(root);
                foreach (var child in call.ChildNodes)
                {
                    Visit(child);
                }

                return;
            case MemberExpression { Object: Identifier { Name: var name } } member when JsonRoot(name) is { } root:
                Globals |= root;
                switch (member.Property)
                {
                    case Identifier id when !member.Computed:
                        ReadProperty(root, id.Name);
                        break;
                    case StringLiteral literal when member.Computed:
                        ReadProperty(root, literal.Value);
                        break;
                    default:
                        ReadWhole(root);
                        Visit(member.Property);
                        break;
                }

                return;
            case MemberExpression { Computed: false } member:
                Visit(member.Object);
                return;
            case Property { Computed: false } property:
                Visit(property.Value);
                return;
            case Identifier identifier:
                VisitIdentifier(identifier.Name);
                return;
            case ThisExpression:
                MarkAll();
                return;
            default:
                foreach (var child in node.ChildNodes)
                {
                    Visit(child);
                }

                return;
        }
    }

    private void VisitIdentifier(string name)
    {
        switch (name)
        {
            case "input": ReadWhole(ScopeGlobals.Input); break;
            case "nodes": Globals |= ScopeGlobals.Nodes; AllNodes = true; break;
            case "instance": Globals |= ScopeGlobals.Instance; break;
            case "item": ReadWhole(ScopeGlobals.Item); break;
            case "index": Globals |= ScopeGlobals.Index; break;
            case "iteration": Globals |= ScopeGlobals.Iteration; break;
            case "previous": ReadWhole(ScopeGlobals.Previous); break;
            case "output": ReadWhole(ScopeGlobals.Output); break;
            case "secrets": ReadsSecrets = true; break;
            // Reading the global object itself can reach any scope variable.
            case "globalThis" or "eval" or "Function": MarkAll(); break;
            default: break;
        }
    }

    private void MarkAll()
    {
        Globals = ScopeGlobals.All;
        AllNodes = true;
        foreach (var root in JsonRoots)
        {
            _reads[root] = null;
        }
    }

    /// <summary>The scope variables that hold JSON values (and so can be converted property by property).</summary>
    public static readonly ImmutableArray<ScopeGlobals> JsonRoots = [ScopeGlobals.Input, ScopeGlobals.Item, ScopeGlobals.Previous, ScopeGlobals.Output];

    private static ScopeGlobals? JsonRoot(string name) => name switch
    {
        "input" => ScopeGlobals.Input,
        "item" => ScopeGlobals.Item,
        "previous" => ScopeGlobals.Previous,
        "output" => ScopeGlobals.Output,
        _ => null,
    };

    private void ReadWhole(ScopeGlobals root)
    {
        Globals |= root;
        _reads[root] = null;
    }

    private void ReadProperty(ScopeGlobals root, string name)
    {
        if (!_reads.TryGetValue(root, out var names))
        {
            _reads[root] = names = new SortedSet<string>(StringComparer.Ordinal);
        }

        names?.Add(name);
    }
}
