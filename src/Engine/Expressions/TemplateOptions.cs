namespace Serverless.Engine.Expressions;

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
