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

/// <summary>
/// A <c>${{ secrets.NAME }}</c> the definition wrote, in an evaluated template: the string at <paramref name="Pointer"/>
/// holds <see cref="Token"/> of <paramref name="Name"/> at character <paramref name="Offset"/>. The executor replaces
/// exactly these places with the secret's value and scans no text for tokens, so data cannot select a secret.
/// </summary>
/// <param name="Pointer">The string's JSON pointer, relative to the evaluated value (<c>/headers/Authorization</c>).</param>
/// <param name="Offset">Where in that string the token starts (UTF-16 code units).</param>
/// <param name="Name">The secret's name.</param>
internal sealed record SecretReference(string Pointer, int Offset, string Name)
{
    /// <summary>The text a reference to <paramref name="name"/> stands as in evaluated values, statuses and logs.</summary>
    public static string Token(string name) => "${{ secrets." + name + " }}";
}

/// <summary>What a template may contain.</summary>
internal sealed record TemplateOptions
{
    /// <summary>Whether <c>${{ secrets.NAME }}</c> tokens are allowed (only in <c>http.request</c> strings).</summary>
    public bool AllowSecrets { get; init; }

    /// <summary>Whether the value must be exactly one expression (e.g. <c>if</c>, <c>until</c>, switch cases).</summary>
    public bool RequireSingleExpression { get; init; }

    /// <summary>The default options.</summary>
    public static TemplateOptions Default { get; } = new();
}

/// <summary>What an expression can see. Built by the decider per evaluation.</summary>
internal sealed class ExpressionScope
{
    /// <summary>The instance input.</summary>
    public required JsonElement Input { get; init; }

    /// <summary>The <c>instance</c> object.</summary>
    public required InstanceInfo Instance { get; init; }

    /// <summary>The replay-safe current time the expression sees (<c>Date.now()</c>, <c>new Date()</c>).</summary>
    public required DateTimeOffset Now { get; init; }

    /// <summary>The nodes visible to the expression, by id.</summary>
    public IReadOnlyDictionary<string, NodeView> Nodes { get; init; } = ImmutableDictionary<string, NodeView>.Empty;

    /// <summary><c>item</c> in a foreach body.</summary>
    public JsonElement? Item { get; init; }

    /// <summary><c>index</c> in a foreach body.</summary>
    public int? Index { get; init; }

    /// <summary><c>iteration</c> in a loop body and its <c>until</c> (from 1).</summary>
    public int? Iteration { get; init; }

    /// <summary><c>previous</c> in a loop body: the previous iteration's output (JSON null at first).</summary>
    public JsonElement? Previous { get; init; }

    /// <summary><c>output</c> for <c>select</c>, <c>until</c> and body outputs.</summary>
    public JsonElement? Output { get; init; }
}

/// <summary>A node as expressions see it: <c>nodes.&lt;id&gt;.status</c>, <c>.output</c>, <c>.error</c>.</summary>
/// <param name="Status">succeeded, failed, skipped, cancelled, running or pending.</param>
/// <param name="Output">The stored output (null when none).</param>
/// <param name="Error">The error (null unless failed).</param>
internal readonly record struct NodeView(string Status, JsonElement? Output, WorkflowError? Error);

/// <summary>The <c>instance</c> object expressions see.</summary>
/// <param name="Id">The instance id.</param>
/// <param name="Workflow">The workflow name.</param>
/// <param name="Version">The pinned version.</param>
/// <param name="StartedAt">When the instance started.</param>
internal sealed record InstanceInfo(string Id, string Workflow, int Version, DateTimeOffset StartedAt);

/// <summary>An expression threw or broke a sandbox limit at run time.</summary>
internal sealed class ExpressionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ExpressionException(string expression, string message, Exception? inner = null)
        : base(message, inner) => Expression = expression;

    /// <summary>Creates the exception.</summary>
    public ExpressionException() : this("", "Expression failed.") { }

    /// <summary>Creates the exception.</summary>
    public ExpressionException(string message) : this("", message) { }

    /// <summary>Creates the exception.</summary>
    public ExpressionException(string message, Exception inner) : this("", message, inner) { }

    /// <summary>The expression text that failed.</summary>
    public string Expression { get; }
}
