namespace Serverless.Engine.Expressions;

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
