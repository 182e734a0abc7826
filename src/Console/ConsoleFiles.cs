using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;
using Serverless.Engine.Api;
using Serverless.HttpApi;

namespace Serverless.Console;

/// <summary>
/// The console's files, as both hosts serve them: <c>{console}/</c> is <c>index.html</c>, <c>{console}/{path}</c> the
/// embedded file named <c>path</c> (the names are the paths under <c>wwwroot/</c>, so no request reaches anything
/// else), <c>{console}</c> without its slash redirects to it so relative links resolve.
/// </summary>
internal static class ConsoleFiles
{
    private const string IndexFile = "index.html";

    /// <summary>Every embedded file by name, read once.</summary>
    private static readonly FrozenDictionary<string, ConsoleFile> Files = Load();

    /// <summary>
    /// The answer to <c>GET</c> or <c>HEAD</c> of the console file <paramref name="path"/> (the route's rest, empty for
    /// the console's root): the file with its caching and security headers, 304 when the client's copy is current, a
    /// permanent redirect from the root without its trailing slash, 404 for a name that is not embedded.
    /// </summary>
    public static IResult Serve(HttpRequest request, string? path)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrEmpty(path))
        {
            if (!request.Path.HasValue || !request.Path.Value.EndsWith('/'))
            {
                // 308 keeps the method (a HEAD stays a HEAD); the prefix is the request's own (/console, /api/console).
                return Results.Redirect($"{request.PathBase}{request.Path}/{request.QueryString}", permanent: true, preserveMethod: true);
            }

            path = IndexFile;
        }

        return Files.TryGetValue(path, out var file)
            ? new ConsoleFileResult(file)
            : ApiResults.Error(ApiError.NotFound($"The console has no file '{path}'."));
    }

    private static FrozenDictionary<string, ConsoleFile> Load()
    {
        var assembly = typeof(ConsoleFiles).Assembly;
        var files = new Dictionary<string, ConsoleFile>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames())
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var content = new MemoryStream();
            stream.CopyTo(content);
            files[name] = ConsoleFile.Create(name, content.ToArray());
        }

        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
