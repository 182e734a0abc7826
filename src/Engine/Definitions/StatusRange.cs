namespace Serverless.Engine.Definitions;

/// <summary>An inclusive range of HTTP status codes.</summary>
internal readonly record struct StatusRange(int From, int To)
{
    /// <summary>Whether <paramref name="status"/> is in the range.</summary>
    public bool Contains(int status) => status >= From && status <= To;
}
