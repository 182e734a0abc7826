using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Serverless.Console;

/// <summary>
/// A console file as the answer: revalidated on every use (<c>no-cache</c> with its strong entity tag, 304 when the
/// client's copy matches), under a policy that lets the page load scripts, styles and data from this origin only.
/// </summary>
internal sealed class ConsoleFileResult(ConsoleFile file) : IResult
{
    /// <summary>
    /// Scripts, styles, fonts and API calls from the console's own origin only; images also as <c>data:</c> URLs (the
    /// diagram's exports); no inline script, no plugins, no framing.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
        + "font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var request = httpContext.Request;
        var response = httpContext.Response;
        var headers = response.Headers;
        headers.CacheControl = "no-cache";
        headers.ETag = file.ETag.ToString();

        // On every file, not only the HTML: an SVG or JSON opened on its own is a document too.
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";

        if (request.GetTypedHeaders().IfNoneMatch.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(file.ETag, useStrongComparison: false)))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = file.ContentType;
        response.ContentLength = file.Content.Length;
        if (!HttpMethods.IsHead(request.Method))
        {
            await response.Body.WriteAsync(file.Content, httpContext.RequestAborted);
        }
    }
}
