using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Serverless.Engine.Definitions;

/// <summary>The lexical rules of the workflow format, in one place.</summary>
internal static partial class Syntax
{
    /// <summary>The node types, in the order the format lists them.</summary>
    public static readonly string[] NodeTypes = ["http", "activity", "set", "switch", "foreach", "loop", "wait", "event", "workflow", "fail"];

    /// <summary>Outcomes every node has.</summary>
    public static readonly string[] BuiltInOutcomes = ["succeeded", "failed", "skipped"];

    /// <summary>Names a switch case may not take: the built-in outcomes and <c>cancelled</c>.</summary>
    public static readonly string[] ReservedCaseNames = ["succeeded", "failed", "skipped", "cancelled"];

    /// <summary>HTTP methods a request may use.</summary>
    public static readonly string[] HttpMethods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

    /// <summary>A workflow name: the registry key.</summary>
    [GeneratedRegex("^[a-z0-9-]{1,63}$", RegexOptions.CultureInvariant)]
    public static partial Regex WorkflowName();

    /// <summary>A node id.</summary>
    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_-]{0,63}$", RegexOptions.CultureInvariant)]
    public static partial Regex NodeId();

    /// <summary>An error type word (retry matchers, fail nodes).</summary>
    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_.-]{0,99}$", RegexOptions.CultureInvariant)]
    public static partial Regex ErrorType();

    /// <summary>An event name: it travels in a URL path, so URL-safe characters only.</summary>
    [GeneratedRegex("^[A-Za-z0-9_.-]{1,128}$", RegexOptions.CultureInvariant)]
    public static partial Regex EventName();

    /// <summary>An HTTP header name (an RFC 9110 token).</summary>
    [GeneratedRegex("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$", RegexOptions.CultureInvariant)]
    public static partial Regex HeaderName();

    /// <summary>A status class such as <c>2xx</c>.</summary>
    [GeneratedRegex("^([1-5])xx$", RegexOptions.CultureInvariant)]
    public static partial Regex StatusClass();

    /// <summary>A status range such as <c>200-299</c>.</summary>
    [GeneratedRegex("^([0-9]{3})-([0-9]{3})$", RegexOptions.CultureInvariant)]
    public static partial Regex StatusRange();

    /// <summary>A percentage of tolerated failures such as <c>10%</c> or <c>12.5%</c>.</summary>
    [GeneratedRegex("^([0-9]{1,3}(\\.[0-9]{1,6})?)%$", RegexOptions.CultureInvariant)]
    public static partial Regex Percent();

    /// <summary>An ISO 8601 timestamp with a UTC offset.</summary>
    [GeneratedRegex("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,7})?)?(Z|[+-][0-9]{2}:[0-9]{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex TimestampShape();

    /// <summary>Whether a string holds a <c>${{ }}</c> expression.</summary>
    public static bool IsTemplated(string text) => text.Contains("${{", StringComparison.Ordinal);

    /// <summary>Whether <paramref name="text"/> is an ISO 8601 timestamp with a UTC offset.</summary>
    public static bool IsTimestamp(string text) =>
        TimestampShape().IsMatch(text)
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    /// <summary>Whether <paramref name="status"/> is a valid HTTP status code.</summary>
    public static bool IsStatus(int status) => status is >= 100 and <= 599;

    /// <summary>The JSON kind as a user reads it: "a string", "an object", ...</summary>
    public static string Kind(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    /// <summary>A word with its indefinite article: "an event", "a set".</summary>
    public static string WithArticle(string word) =>
        (word.Length > 0 && "aeiouAEIOU".Contains(word[0], StringComparison.Ordinal) ? "an " : "a ") + word;

    /// <summary>Joins names for a message: <c>a, b, c</c>.</summary>
    public static string OneOf(IEnumerable<string> names) => string.Join(", ", names);
}
