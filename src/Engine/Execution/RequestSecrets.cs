using System.Buffers;
using System.Text;
using System.Text.Json;
using Serverless.Engine.Definitions;
using Serverless.Engine.Expressions;

namespace Serverless.Engine.Execution;

/// <summary>
/// The secrets of one http attempt: the definition's own references in the evaluated request (the decider reports
/// where they stand, see <see cref="SecretReference"/>) with their values. Only those places are resolved; no text is
/// scanned for tokens, so a <c>${{ secrets.NAME }}</c> spelled by input, a node output or an event is sent as written.
/// </summary>
internal sealed class RequestSecrets
{
    // Absolute pointer of a string → its references, the last first, so replacing one keeps the others' offsets.
    private readonly Dictionary<string, SecretReference[]> _strings;
    private readonly IReadOnlyDictionary<string, string> _values;

    private RequestSecrets(Dictionary<string, SecretReference[]> strings, IReadOnlyDictionary<string, string> values)
    {
        _strings = strings;
        _values = values;
    }

    /// <summary>No secrets: everything resolves to itself.</summary>
    public static RequestSecrets None { get; } = new([], new Dictionary<string, string>());

    /// <summary>
    /// Checks <paramref name="references"/> against <paramref name="request"/> (the request at <paramref name="pointer"/>):
    /// each must name one string of it that holds its token at its offset, without overlapping another.
    /// <paramref name="values"/> holds the value of every secret they name; <paramref name="problem"/> says why the
    /// references do not fit the request (a command this version did not write).
    /// </summary>
    public static bool TryCreate(
        JsonElement request,
        string pointer,
        IReadOnlyList<SecretReference> references,
        IReadOnlyDictionary<string, string> values,
        out RequestSecrets secrets,
        out string problem)
    {
        secrets = None;
        problem = "";
        if (references.Count == 0)
        {
            return true;
        }

        var strings = references
            .GroupBy(r => pointer + r.Pointer, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(r => r.Offset).ToArray(), StringComparer.Ordinal);
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!TryFind(request, pointer, strings, found, ref problem))
        {
            return false;
        }

        foreach (var (at, list) in strings)
        {
            if (!found.TryGetValue(at, out var text))
            {
                problem = $"a secret reference names {at}, which is not a string of the request";
                return false;
            }

            var end = text.Length;
            foreach (var reference in list)
            {
                var token = SecretReference.Token(reference.Name);
                if (reference.Offset < 0 || reference.Offset + token.Length > end
                    || string.CompareOrdinal(text, reference.Offset, token, 0, token.Length) != 0)
                {
                    problem = $"the secret reference to '{reference.Name}' at {at}, character {reference.Offset}, does not match the request";
                    return false;
                }

                end = reference.Offset;
            }
        }

        secrets = new RequestSecrets(strings, values);
        return true;
    }

    /// <summary>Whether the string at <paramref name="pointer"/> holds a secret.</summary>
    public bool Holds(string pointer) => _strings.ContainsKey(pointer);

    /// <summary>The string at <paramref name="pointer"/>, <paramref name="text"/>, with its references replaced by their values.</summary>
    public string Resolve(string pointer, string text)
    {
        if (!_strings.TryGetValue(pointer, out var references))
        {
            return text;
        }

        var resolved = new StringBuilder(text);
        foreach (var reference in references)
        {
            resolved.Remove(reference.Offset, SecretReference.Token(reference.Name).Length).Insert(reference.Offset, _values[reference.Name]);
        }

        return resolved.ToString();
    }

    /// <summary>The value at <paramref name="pointer"/> with every string below it resolved.</summary>
    public JsonElement Resolve(string pointer, JsonElement value) =>
        _strings.Keys.Any(at => IsWithin(at, pointer)) ? JsonRewriter.MapStrings(value, pointer, Resolve) : value;

    private static bool IsWithin(string at, string pointer) =>
        at.Length == pointer.Length ? at == pointer : at.StartsWith(pointer + "/", StringComparison.Ordinal);

    // Collects the text of each string the references name; a pointer met twice (duplicate names) is refused.
    private static bool TryFind(
        JsonElement value, string pointer, Dictionary<string, SecretReference[]> wanted, Dictionary<string, string> found, ref string problem)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String when wanted.ContainsKey(pointer):
                if (!found.TryAdd(pointer, value.GetString()!))
                {
                    problem = $"the request has two values at {pointer}";
                    return false;
                }

                return true;
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    if (!TryFind(property.Value, JsonPointer.Append(pointer, property.Name), wanted, found, ref problem))
                    {
                        return false;
                    }
                }

                return true;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    if (!TryFind(item, JsonPointer.Append(pointer, index), wanted, found, ref problem))
                    {
                        return false;
                    }

                    index++;
                }

                return true;
            default:
                return true;
        }
    }
}
