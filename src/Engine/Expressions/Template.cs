using System.Collections.Immutable;
using System.Text.Json;
using Serverless.Engine.Definitions;

namespace Serverless.Engine.Expressions;

/// <summary>
/// A compiled template: a JSON value whose strings may hold <c>${{ expr }}</c> expressions. A string that is exactly
/// one expression takes the expression's JSON value; text around expressions interpolates to a string; objects and
/// arrays are templated recursively. Compiled once per definition, immutable and thread-safe.
/// </summary>
internal sealed class Template
{
    // Implementation lives in the Expressions folder (TemplateCompiler / ExpressionSandbox).
    internal Template(string pointer, string source, bool isConstant, ImmutableArray<string> referencedNodes, bool usesSecrets, object compiled)
    {
        Pointer = pointer;
        Source = source;
        IsConstant = isConstant;
        ReferencedNodes = referencedNodes;
        UsesSecrets = usesSecrets;
        Compiled = compiled;
    }

    /// <summary>JSON pointer of the templated value in the definition.</summary>
    public string Pointer { get; }

    /// <summary>The template as written (for error messages).</summary>
    public string Source { get; }

    /// <summary>True when the template holds no expression.</summary>
    public bool IsConstant { get; }

    /// <summary>Node ids the expressions read through <c>nodes.&lt;id&gt;</c> or <c>nodes["id"]</c>.</summary>
    public ImmutableArray<string> ReferencedNodes { get; }

    /// <summary>
    /// True when the template holds <c>${{ secrets.NAME }}</c> references. Evaluation keeps them as text and reports
    /// where (<see cref="Evaluate(ExpressionScope, out IReadOnlyList{SecretReference})"/>); only the executor resolves them.
    /// </summary>
    public bool UsesSecrets { get; }

    internal object Compiled { get; }

    /// <summary>Compiles <paramref name="value"/>, adding every problem to <paramref name="errors"/> with its pointer.</summary>
    /// <returns>The template, or null when it has errors.</returns>
    public static Template? Compile(JsonElement value, string pointer, TemplateOptions options, ICollection<ValidationError> errors)
        => TemplateCompiler.Compile(value, pointer, options, errors);

    /// <summary>Evaluates the template in <paramref name="scope"/>.</summary>
    /// <exception cref="ExpressionException">An expression threw or broke a sandbox limit.</exception>
    public JsonElement Evaluate(ExpressionScope scope) => TemplateCompiler.Evaluate(this, scope, secrets: null);

    /// <summary>
    /// Evaluates the template in <paramref name="scope"/> and reports where its result holds the definition's own
    /// <c>${{ secrets.NAME }}</c> references. Text in the result that merely reads like one (from input, node outputs
    /// or events) is data and has no entry.
    /// </summary>
    /// <exception cref="ExpressionException">An expression threw or broke a sandbox limit.</exception>
    public JsonElement Evaluate(ExpressionScope scope, out IReadOnlyList<SecretReference> secrets)
    {
        var found = new List<SecretReference>();
        var value = TemplateCompiler.Evaluate(this, scope, found);
        secrets = found;
        return value;
    }

    /// <summary>Evaluates the template and converts the result with JavaScript truthiness.</summary>
    /// <exception cref="ExpressionException">An expression threw or broke a sandbox limit.</exception>
    public bool EvaluateCondition(ExpressionScope scope) => TemplateCompiler.EvaluateCondition(this, scope);
}
