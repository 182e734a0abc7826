using System.Text;
using System.Text.Json;

namespace Serverless.Cli.Validation;

/// <summary>
/// Maps JSON pointers (RFC 6901) to a line and column of the document's text: a member to its property name, an array
/// element or the root to where its value starts. A pointer that does not exist maps to its nearest existing parent.
/// </summary>
internal sealed class JsonPointerLocator
{
    private readonly Dictionary<string, int> _offsets;
    private readonly byte[] _utf8;

    private JsonPointerLocator(byte[] utf8, Dictionary<string, int> offsets)
    {
        _utf8 = utf8;
        _offsets = offsets;
    }

    /// <summary>A locator over <paramref name="text"/>; throws <see cref="JsonException"/> (with its line and byte) when it is not JSON.</summary>
    public static JsonPointerLocator Create(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var utf8 = Encoding.UTF8.GetBytes(text);
        var offsets = new Dictionary<string, int>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 256 });

        // One frame per open container: its pointer, and the next array index (or -1 for an object).
        var frames = new Stack<(string Pointer, int NextIndex)>();
        string? pendingMember = null;
        while (reader.Read())
        {
            var start = (int)reader.TokenStartIndex;
            if (reader.TokenType == JsonTokenType.PropertyName)
            {
                pendingMember = frames.Peek().Pointer + "/" + Escape(reader.GetString()!);
                offsets.TryAdd(pendingMember, start);
                continue;
            }

            if (reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray)
            {
                frames.Pop();
                continue;
            }

            string pointer;
            if (pendingMember is not null)
            {
                pointer = pendingMember;
                pendingMember = null;
            }
            else if (frames.Count > 0)
            {
                var (parent, index) = frames.Pop();
                frames.Push((parent, index + 1));
                pointer = FormattableString.Invariant($"{parent}/{index}");
                offsets.TryAdd(pointer, start);
            }
            else
            {
                pointer = "";
                offsets.TryAdd(pointer, start);
            }

            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                frames.Push((pointer, reader.TokenType == JsonTokenType.StartArray ? 0 : -1));
            }
        }

        return new JsonPointerLocator(utf8, offsets);
    }

    /// <summary>The 1-based line and column (in characters) of <paramref name="pointer"/>, or of its nearest existing parent.</summary>
    public (int Line, int Column) Locate(string pointer)
    {
        ArgumentNullException.ThrowIfNull(pointer);
        var current = pointer;
        int offset;
        while (!_offsets.TryGetValue(current, out offset))
        {
            if (current.Length == 0)
            {
                offset = 0;
                break;
            }

            var cut = current.LastIndexOf('/');
            current = cut <= 0 ? "" : current[..cut];
        }

        return Position(offset);
    }

    private static string Escape(string name) => name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    private (int Line, int Column) Position(int offset)
    {
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < offset; i++)
        {
            if (_utf8[i] == (byte)'\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return (line, Encoding.UTF8.GetCharCount(_utf8, lineStart, offset - lineStart) + 1);
    }
}
