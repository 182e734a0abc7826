namespace Serverless.Engine.Definitions;

/// <summary>Builds RFC 6901 JSON pointers.</summary>
internal static class JsonPointer
{
    /// <summary>Appends one reference token to <paramref name="pointer"/>, escaping <c>~</c> and <c>/</c>.</summary>
    public static string Append(string pointer, string token) => pointer + "/" + Escape(token);

    /// <summary>Appends an array index.</summary>
    public static string Append(string pointer, int index) =>
        pointer + "/" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Escapes one reference token: <c>~</c> becomes <c>~0</c>, then <c>/</c> becomes <c>~1</c>.</summary>
    public static string Escape(string token) =>
        token.Contains('~', StringComparison.Ordinal) || token.Contains('/', StringComparison.Ordinal)
            ? token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)
            : token;
}
