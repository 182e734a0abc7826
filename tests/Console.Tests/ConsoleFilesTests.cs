using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Serverless.Console.Tests.Infrastructure;

namespace Serverless.Console.Tests;

/// <summary>
/// The console's files as the standalone host serves them (<see cref="ConsoleFiles"/>): no key needed, a redirect to the
/// root's slash, revalidation by entity tag, GET and HEAD only, and nothing but the embedded names.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class ConsoleFilesTests(ConsoleFixture fixture) : IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(30));
    private readonly HttpClient _anonymous = new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = fixture.BaseUrl };

    private CancellationToken Timeout => _timeout.Token;

    public void Dispose()
    {
        _anonymous.Dispose();
        _timeout.Dispose();
    }

    [Fact]
    public async Task Console_WithoutSlash_RedirectsPermanentlyToTheRoot()
    {
        using var redirect = await _anonymous.GetAsync(new Uri("console?x=1", UriKind.Relative), Timeout);

        Assert.Equal(HttpStatusCode.PermanentRedirect, redirect.StatusCode);
        Assert.Equal("/console/?x=1", redirect.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Script_IsJavaScriptUnderTheSamePolicy()
    {
        using var script = await _anonymous.GetAsync(new Uri("console/app.js", UriKind.Relative), Timeout);

        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript; charset=utf-8", script.Content.Headers.ContentType!.ToString());
        Assert.Equal("nosniff", script.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.True(script.Headers.CacheControl!.NoCache);
    }

    [Fact]
    public async Task File_WithItsETag_Is304WithoutABody_AndWithAnotherIs200()
    {
        using var first = await _anonymous.GetAsync(new Uri("console/", UriKind.Relative), Timeout);
        using var current = new HttpRequestMessage(HttpMethod.Get, new Uri("console/", UriKind.Relative));
        current.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var stale = new HttpRequestMessage(HttpMethod.Get, new Uri("console/", UriKind.Relative));
        stale.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"other\""));

        using var notModified = await _anonymous.SendAsync(current, Timeout);
        using var modified = await _anonymous.SendAsync(stale, Timeout);

        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal(first.Headers.ETag, notModified.Headers.ETag);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync(Timeout));
        Assert.Equal(HttpStatusCode.OK, modified.StatusCode);
        Assert.Equal(await first.Content.ReadAsByteArrayAsync(Timeout), await modified.Content.ReadAsByteArrayAsync(Timeout));
    }

    [Fact]
    public async Task Head_HasTheHeadersOfGetAndNoBody()
    {
        using var get = await _anonymous.GetAsync(new Uri("console/index.html", UriKind.Relative), Timeout);
        using var head = await _anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Head, new Uri("console/index.html", UriKind.Relative)), Timeout);

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(get.Headers.ETag, head.Headers.ETag);
        Assert.Equal(get.Content.Headers.ContentLength, head.Content.Headers.ContentLength);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync(Timeout));
    }

    [Theory]
    [InlineData("console/missing.js")]
    [InlineData("console/..%2Fappsettings.json")]
    [InlineData("console/%2E%2E%2F%2E%2E%2FServerless.Standalone.dll")]
    [InlineData("console/Index.html")]
    public async Task NameNotEmbedded_Is404WithTheApiErrorBody(string path)
    {
        using var missing = await _anonymous.GetAsync(new Uri(path, UriKind.Relative), Timeout);

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("NotFound", JsonNode.Parse(await missing.Content.ReadAsStringAsync(Timeout))!["error"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Post_Is405()
    {
        using var post = await fixture.Api.PostAsync(new Uri("console/", UriKind.Relative), null, Timeout);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        Assert.Equal(["GET", "HEAD"], post.Content.Headers.Allow.Order(StringComparer.Ordinal));
    }
}
