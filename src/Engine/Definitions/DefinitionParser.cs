using System.Text;
using System.Text.Json;

namespace Serverless.Engine.Definitions;

/// <summary>Parses and validates workflow definitions (format v1), reporting every problem at once.</summary>
internal static class DefinitionParser
{
    private static readonly JsonDocumentOptions Options = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = 64,
    };

    /// <summary>Parses <paramref name="json"/> and validates it.</summary>
    /// <param name="json">The workflow document.</param>
    /// <param name="limits">The limits to enforce; <see cref="DefinitionLimits.Default"/> when null.</param>
    /// <returns>The definition, or every problem found, each with the JSON pointer of where it is.</returns>
    public static ParseResult Parse(string json, DefinitionLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        limits ??= DefinitionLimits.Default;
        var size = Encoding.UTF8.GetByteCount(json);
        if (size > limits.MaxDocumentBytes)
        {
            return Invalid(FormattableString.Invariant($"the document is {size} bytes; at most {limits.MaxDocumentBytes} are allowed"));
        }

        JsonElement root;
        try
        {
            // Clone detaches the elements from the pooled document, so templates may keep them after it is disposed.
            using var document = JsonDocument.Parse(json, Options);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            var reason = e.Message;
            var cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
            reason = cut > 0 ? reason[..cut] : reason;
            return Invalid(FormattableString.Invariant(
                $"invalid JSON at line {(e.LineNumber ?? 0) + 1}, byte {(e.BytePositionInLine ?? 0) + 1}: {reason}"));
        }

        return DefinitionReader.Read(root, limits);
    }

    private static ParseResult Invalid(string message) => new(null, [new ValidationError("", message)]);
}
