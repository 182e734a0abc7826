using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Serverless.Standalone.Tests.Infrastructure;

/// <summary>A fenced <c>```bash</c> block of a Markdown document and the heading it stands under.</summary>
public sealed record ShellBlock(string Heading, string Code);

/// <summary>One command of a shell block: its words (quotes removed, continued lines joined) and the comment that ends it.</summary>
public sealed record ShellCommand(IReadOnlyList<string> Words, string? Comment);

/// <summary>
/// A documented <c>curl</c> command and the answer its comment promises: <c># 201 {"version":1} free text</c> is the
/// status code, then optionally a JSON value the answer's body contains (see <see cref="DocumentedSteps.Contains"/>),
/// then words for the reader.
/// </summary>
public sealed record CurlStep(string Method, string Url, IReadOnlyList<KeyValuePair<string, string>> Headers, string? Body, string? ContentType, int ExpectedStatus, string? ExpectedJson, string Text);

/// <summary>
/// Reads the commands the documentation tells a user to run, so a test runs exactly those: Markdown's bash blocks, a
/// small shell word splitter (single and double quotes, backslash continuations, comments) and the few curl options
/// the documentation uses. Anything else is refused, so a documented command the test cannot replay fails the test
/// instead of being skipped.
/// </summary>
public static partial class DocumentedSteps
{
    /// <summary>Every <c>```bash</c> block, with the text of the nearest heading above it.</summary>
    public static IReadOnlyList<ShellBlock> BashBlocks(string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        var blocks = new List<ShellBlock>();
        var heading = string.Empty;
        StringBuilder? code = null;
        var fenced = false;
        foreach (var line in markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                if (code is not null)
                {
                    blocks.Add(new ShellBlock(heading, code.ToString()));
                    code = null;
                }
                else if (fenced)
                {
                    fenced = false;
                }
                else if (line.Trim() == "```bash")
                {
                    code = new StringBuilder();
                }
                else
                {
                    fenced = true;
                }

                continue;
            }

            if (code is not null)
            {
                code.Append(line).Append('\n');
            }
            else if (!fenced && HeadingLine().Match(line) is { Success: true } match)
            {
                heading = match.Groups[1].Value.Trim();
            }
        }

        return blocks;
    }

    /// <summary>The commands of a shell script: words split as bash splits them, and each command's ending comment.</summary>
    public static IReadOnlyList<ShellCommand> Commands(string script)
    {
        ArgumentNullException.ThrowIfNull(script);
        var commands = new List<ShellCommand>();
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        string? comment = null;

        void EndWord()
        {
            if (inWord)
            {
                words.Add(word.ToString());
                word.Clear();
                inWord = false;
            }
        }

        void EndCommand()
        {
            EndWord();
            if (words.Count > 0)
            {
                commands.Add(new ShellCommand([.. words], comment));
            }

            words.Clear();
            comment = null;
        }

        for (var i = 0; i < script.Length; i++)
        {
            var c = script[i];
            switch (c)
            {
                case '\\' when i + 1 < script.Length && script[i + 1] == '\n':
                    i++;
                    break;
                case '\\' when i + 1 < script.Length:
                    word.Append(script[++i]);
                    inWord = true;
                    break;
                case '\'':
                    var close = script.IndexOf('\'', i + 1);
                    if (close < 0)
                    {
                        throw new FormatException($"unclosed single quote at {i}: {script[i..Math.Min(script.Length, i + 40)]}");
                    }

                    word.Append(script, i + 1, close - i - 1);
                    inWord = true;
                    i = close;
                    break;
                case '"':
                    inWord = true;
                    for (i++; i < script.Length && script[i] != '"'; i++)
                    {
                        if (script[i] == '$' || script[i] == '`')
                        {
                            throw new FormatException($"expansions in double quotes are not replayed: {script[..i]}");
                        }

                        if (script[i] == '\\' && i + 1 < script.Length && script[i + 1] is '"' or '\\')
                        {
                            i++;
                        }

                        word.Append(script[i]);
                    }

                    if (i >= script.Length)
                    {
                        throw new FormatException("unclosed double quote");
                    }

                    break;
                case '#' when !inWord:
                    var end = script.IndexOf('\n', i);
                    end = end < 0 ? script.Length : end;
                    comment = words.Count > 0 ? script[(i + 1)..end].Trim() : null;
                    i = end - 1;
                    break;
                case '\n' or ';':
                    EndCommand();
                    break;
                case ' ' or '\t':
                    EndWord();
                    break;
                case '|' or '&' or '<' or '>' or '$' or '`' or '(' or ')':
                    throw new FormatException($"'{c}' is shell syntax the documentation's commands do not use: {script[..(i + 1)]}");
                default:
                    word.Append(c);
                    inWord = true;
                    break;
            }
        }

        EndCommand();
        return commands;
    }

    /// <summary>The leading <c>NAME=value</c> words of a command: the environment it sets for the program it runs.</summary>
    public static IReadOnlyDictionary<string, string> Environment(ShellCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var word in command.Words)
        {
            var match = Assignment().Match(word);
            if (!match.Success)
            {
                break;
            }

            environment[match.Groups[1].Value] = match.Groups[2].Value;
        }

        return environment;
    }

    /// <summary>A curl command as a request and the answer its comment promises; files (<c>@path</c>) are read from <paramref name="root"/>.</summary>
    public static CurlStep Curl(ShellCommand command, string root)
    {
        ArgumentNullException.ThrowIfNull(command);
        var text = string.Join(' ', command.Words) + (command.Comment is null ? string.Empty : "   # " + command.Comment);
        if (command.Words[0] != "curl")
        {
            throw new FormatException($"not a curl command: {text}");
        }

        string? method = null, url = null, body = null, contentType = null;
        var headers = new List<KeyValuePair<string, string>>();
        for (var i = 1; i < command.Words.Count; i++)
        {
            var word = command.Words[i];
            string Next() => i + 1 < command.Words.Count ? command.Words[++i] : throw new FormatException($"{word} needs a value: {text}");
            switch (word)
            {
                case "-i" or "--include" or "-s" or "--silent" or "-sS":
                    break;
                case "-X" or "--request":
                    method = Next();
                    break;
                case "-H" or "--header":
                    var header = Next();
                    var colon = header.IndexOf(':', StringComparison.Ordinal);
                    var name = header[..colon].Trim();
                    var value = header[(colon + 1)..].Trim();
                    if (name.Equals("content-type", StringComparison.OrdinalIgnoreCase))
                    {
                        contentType = value;
                    }
                    else
                    {
                        headers.Add(new(name, value));
                    }

                    break;
                case "-d" or "--data" or "--data-binary":
                    if (body is not null)
                    {
                        throw new FormatException($"one body per command: {text}");
                    }

                    var data = Next();
                    if (data.StartsWith('@'))
                    {
                        data = File.ReadAllText(Path.Combine(root, data[1..]));

                        // As curl does: -d @file drops the file's line breaks, --data-binary sends it as it is.
                        data = word == "--data-binary" ? data : data.Replace("\r", string.Empty, StringComparison.Ordinal).Replace("\n", string.Empty, StringComparison.Ordinal);
                    }

                    body = data;
                    contentType ??= "application/x-www-form-urlencoded";
                    break;
                default:
                    if (word.StartsWith('-') || url is not null)
                    {
                        throw new FormatException($"'{word}' is not a curl option these tests replay: {text}");
                    }

                    url = word;
                    break;
            }
        }

        var expectation = command.Comment is null ? null : Expectation().Match(command.Comment);
        if (url is null || expectation is not { Success: true })
        {
            throw new FormatException($"a documented step needs a URL and a comment starting with the status code it answers: {text}");
        }

        var json = FirstJsonValue(expectation.Groups[2].Value);
        return new CurlStep(method ?? (body is null ? "GET" : "POST"), url, headers, body, contentType,
            int.Parse(expectation.Groups[1].Value, CultureInfo.InvariantCulture), json, text);
    }

    /// <summary>
    /// Null when <paramref name="actual"/> contains <paramref name="expected"/>, else where and how it differs. An object
    /// contains the expected object's properties (others may be there too); an array has the expected array's length and
    /// each element contains the expected element at its position, except the answer's own top-level array (a list of
    /// instances, unordered, among others the host holds): there each expected element is contained in some element.
    /// Numbers compare by value.
    /// </summary>
    public static string? Contains(JsonNode? expected, JsonNode? actual, string path = "")
    {
        switch (expected)
        {
            case null:
                return actual is null ? null : $"{Where(path)}: expected null, got {actual.ToJsonString()}";
            case JsonObject expectedObject:
                if (actual is not JsonObject actualObject)
                {
                    return $"{Where(path)}: expected an object, got {actual?.ToJsonString() ?? "null"}";
                }

                foreach (var (name, value) in expectedObject)
                {
                    if (!actualObject.ContainsKey(name))
                    {
                        return $"{Where(path)}: no property '{name}' in {actualObject.ToJsonString()}";
                    }

                    if (Contains(value, actualObject[name], path + "/" + name) is { } difference)
                    {
                        return difference;
                    }
                }

                return null;
            case JsonArray expectedArray:
                if (actual is not JsonArray actualArray)
                {
                    return $"{Where(path)}: expected an array, got {actual?.ToJsonString() ?? "null"}";
                }

                if (path.Length == 0)
                {
                    foreach (var element in expectedArray)
                    {
                        if (!actualArray.Any(a => Contains(element, a, "/*") is null))
                        {
                            return $"no element like {element?.ToJsonString() ?? "null"} in {actualArray.ToJsonString()}";
                        }
                    }

                    return null;
                }

                if (expectedArray.Count != actualArray.Count)
                {
                    return $"{Where(path)}: expected {expectedArray.Count} elements, got {actualArray.ToJsonString()}";
                }

                for (var i = 0; i < expectedArray.Count; i++)
                {
                    if (Contains(expectedArray[i], actualArray[i], path + "/" + i.ToString(CultureInfo.InvariantCulture)) is { } difference)
                    {
                        return difference;
                    }
                }

                return null;
            default:
                var expectedValue = (JsonValue)expected;
                if (actual is not JsonValue actualValue || actualValue.GetValueKind() != expectedValue.GetValueKind())
                {
                    return $"{Where(path)}: expected {expected.ToJsonString()}, got {actual?.ToJsonString() ?? "null"}";
                }

                var equal = expectedValue.GetValueKind() == JsonValueKind.Number
                    ? decimal.Parse(expectedValue.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture) == decimal.Parse(actualValue.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture)
                    : JsonNode.DeepEquals(expectedValue, actualValue);
                return equal ? null : $"{Where(path)}: expected {expected.ToJsonString()}, got {actual.ToJsonString()}";
        }
    }

    private static string Where(string path) => path.Length == 0 ? "the answer" : path;

    /// <summary>The JSON object or array that starts <paramref name="text"/>, if one does.</summary>
    private static string? FirstJsonValue(string text)
    {
        if (!text.StartsWith('{') && !text.StartsWith('['))
        {
            return null;
        }

        var bytes = Encoding.UTF8.GetBytes(text);
        var reader = new Utf8JsonReader(bytes);
        try
        {
            reader.Read();
            reader.Skip();
        }
        catch (JsonException ex)
        {
            throw new FormatException($"the expected answer is not JSON: {text}", ex);
        }

        return Encoding.UTF8.GetString(bytes, 0, (int)reader.BytesConsumed);
    }

    [GeneratedRegex(@"^#{1,6}\s+(.+)$")]
    private static partial Regex HeadingLine();

    [GeneratedRegex(@"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$")]
    private static partial Regex Assignment();

    [GeneratedRegex(@"^(\d{3})\b[\s,:]*(.*)$")]
    private static partial Regex Expectation();
}
