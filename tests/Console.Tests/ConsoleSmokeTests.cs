using System.Net;
using Serverless.Console.Tests.Infrastructure;

namespace Serverless.Console.Tests;

/// <summary>The console on the standalone host: served without the key, the API still behind it, and the page in Chromium.</summary>
public sealed class ConsoleSmokeTests(ConsoleFixture fixture) : ConsolePageTest(fixture)
{
    [Fact]
    public async Task ConsoleRoot_WithoutTheKey_IsTheHtmlWithItsSecurityHeaders()
    {
        using var anonymous = new HttpClient { BaseAddress = Fixture.BaseUrl };

        using var page = await anonymous.GetAsync(new Uri("console/", UriKind.Relative), Timeout);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html; charset=utf-8", page.Content.Headers.ContentType!.ToString());
        Assert.Contains("<title>Serverless Workflows console</title>", await page.Content.ReadAsStringAsync(Timeout), StringComparison.Ordinal);
        var policy = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self';", policy, StringComparison.Ordinal);
        Assert.Contains("style-src 'self';", policy, StringComparison.Ordinal);
        Assert.Contains("connect-src 'self';", policy, StringComparison.Ordinal);
        Assert.Contains("img-src 'self' data:;", policy, StringComparison.Ordinal);
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", page.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());
        Assert.True(page.Headers.CacheControl!.NoCache);
        Assert.False(page.Headers.ETag!.IsWeak);
    }

    [Fact]
    public async Task Api_WithoutTheKey_Is401AndWithItAnswers()
    {
        using var anonymous = new HttpClient { BaseAddress = Fixture.BaseUrl };

        using var refused = await anonymous.GetAsync(new Uri("api/workflows", UriKind.Relative), Timeout);
        using var answered = await Fixture.Api.GetAsync(new Uri("api/workflows", UriKind.Relative), Timeout);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
    }

    [Fact]
    public async Task ConsolePage_InChromium_HasTheConsoleTitle()
    {
        var response = await Page.GotoAsync("console/");

        Assert.Equal(200, response!.Status);
        Assert.Equal("Serverless Workflows console", await Page.TitleAsync());
    }
}
