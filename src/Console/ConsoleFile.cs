using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;

namespace Serverless.Console;

/// <summary>One file of the console as it is served: its bytes, content type and strong entity tag.</summary>
internal sealed record ConsoleFile(string Name, ReadOnlyMemory<byte> Content, string ContentType, EntityTagHeaderValue ETag)
{
    /// <summary>The content type by extension; anything else is served as bytes (and, with nosniff, never run).</summary>
    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".mjs"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".json"] = "application/json; charset=utf-8",
        [".png"] = "image/png",
        [".ico"] = "image/x-icon",
        [".woff2"] = "font/woff2",
    };

    /// <summary>The file <paramref name="name"/> with <paramref name="content"/>; its tag is a hash of the content.</summary>
    public static ConsoleFile Create(string name, byte[] content)
    {
        var type = ContentTypes.GetValueOrDefault(Path.GetExtension(name), "application/octet-stream");
        var hash = Convert.ToBase64String(SHA256.HashData(content).AsSpan(0, 16)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return new ConsoleFile(name, content, type, new EntityTagHeaderValue($"\"{hash}\""));
    }
}
