using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace Serverless.FunctionApp.Tests.Http;

/// <summary>The web console under <c>/api/console/</c>: the shared console handler behind an anonymous function.</summary>
public sealed partial class FunctionsHttpApiTests
{
    private static bool IsConsoleRoute(string route) => route.EndsWith(" /api/console/{*path}", StringComparison.Ordinal);

    [Fact]
    public void ConsoleFunction_MappedFromItsTriggerAttribute_ServesGetAndHead()
    {
        Assert.Equal(
            ["GET /api/console/{*path}", "HEAD /api/console/{*path}"],
            fixture.Functions.Mapped.Where(IsConsoleRoute).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ConsoleRoot_Get_IsTheIndexPageWithItsSecurityHeaders()
    {
        var ct = Timeout();

        using var page = await Functions.GetAsync("/api/console/", ct);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html; charset=utf-8", page.Content.Headers.ContentType!.ToString());
        Assert.Contains("<title>Serverless Workflows console</title>", await page.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        Assert.StartsWith("default-src 'none'; script-src 'self';", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", page.Headers.GetValues("Referrer-Policy").Single());
        Assert.True(page.Headers.CacheControl!.NoCache);
        Assert.False(page.Headers.ETag!.IsWeak);
    }

    [Fact]
    public async Task ConsoleFile_WithItsETag_Is304()
    {
        var ct = Timeout();
        using var first = await Functions.GetAsync("/api/console/app.js", ct);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/console/app.js");
        request.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var again = await Functions.SendAsync(request, ct);

        Assert.Equal((HttpStatusCode.OK, "text/javascript; charset=utf-8"), (first.StatusCode, first.Content.Headers.ContentType!.ToString()));
        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        Assert.Equal(first.Headers.ETag, again.Headers.ETag);
        Assert.Empty(await again.Content.ReadAsByteArrayAsync(ct));
    }

    [Fact]
    public async Task ConsoleWithoutSlash_RedirectsToTheRoot()
    {
        var ct = Timeout();
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Functions.BaseAddress };

        using var redirect = await client.GetAsync("/api/console", ct);

        Assert.Equal(HttpStatusCode.PermanentRedirect, redirect.StatusCode);
        Assert.Equal("/api/console/", redirect.Headers.Location!.OriginalString);
    }

    [Theory]
    [InlineData("/api/console/missing.js")]
    [InlineData("/api/console/..%2Fhost.json")]
    public async Task ConsoleFile_NotEmbedded_Is404WithTheApiErrorBody(string path)
    {
        var ct = Timeout();

        using var missing = await Functions.GetAsync(path, ct);

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(MediaTypeHeaderValue.Parse("application/json; charset=utf-8"), missing.Content.Headers.ContentType);
        Assert.Equal("NotFound", JsonNode.Parse(await missing.Content.ReadAsStringAsync(ct))!["error"]!["type"]!.GetValue<string>());
    }
}
