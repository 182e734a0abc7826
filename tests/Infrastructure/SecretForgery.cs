using System.Text.Json;

namespace Serverless.Testing;

/// <summary>
/// An http workflow whose request references secret <c>API_KEY</c> itself (header <c>X-Real</c>) and carries input
/// that spells references in the URL, a header, the query and the body (issue 9): the downstream must receive the
/// secret only in <c>X-Real</c> and every spelled reference as written. Shared by the host tests of both hosts.
/// </summary>
internal static class SecretForgery
{
    /// <summary>The secret's name.</summary>
    public const string Name = "API_KEY";

    /// <summary>The secret's value (configure it as <c>Secrets:API_KEY</c>).</summary>
    public const string Value = "s3cr3t-forgery-value";

    /// <summary>The workflow (<c>secret-forgery</c>): one http node, its output the echoed request.</summary>
    public const string Definition = """
        {"name":"secret-forgery","nodes":{
          "call":{"type":"http","request":{
            "method":"POST",
            "url":"${{ input.url }}echo/$${{ input.amount }}",
            "headers":{"X-Real":"${{ secrets.API_KEY }}","X-Data":"${{ input.first }}${{ input.last }}"},
            "query":{"q":"x${{ input.token }}"},
            "body":{"data":"${{ input.token }}","price":"$${{ input.amount }}"}}}},
         "output":"${{ nodes.call.output.body }}"}
        """;

    /// <summary>The input for a downstream at <paramref name="baseUri"/>.</summary>
    public static JsonElement Input(Uri baseUri) => JsonSerializer.SerializeToElement(new
    {
        url = baseUri.ToString(),
        amount = "{{ secrets.API_KEY }}",
        first = "$",
        last = "{{ secrets.API_KEY }}",
        token = "${{ secrets.API_KEY }}",
    });

    /// <summary>Checks what the downstream received: the secret in <c>X-Real</c> only, the spelled references as written.</summary>
    /// <returns>Null when it holds, else what is wrong.</returns>
    public static string? Check(EchoedRequest received)
    {
        ArgumentNullException.ThrowIfNull(received);
        const string Token = "${{ secrets.API_KEY }}";
        var body = JsonDocument.Parse(received.Body).RootElement;
        var problems = new List<string>();
        if (received.Headers.GetValueOrDefault("x-real") != Value)
        {
            problems.Add($"X-Real is '{received.Headers.GetValueOrDefault("x-real")}', not the secret");
        }

        foreach (var (where, text) in new[]
        {
            ("path", received.Path),
            ("header X-Data", received.Headers.GetValueOrDefault("x-data") ?? ""),
            ("query", received.Query),
            ("body.data", body.GetProperty("data").GetString() ?? ""),
            ("body.price", body.GetProperty("price").GetString() ?? ""),
        })
        {
            if (!text.Contains(Token, StringComparison.Ordinal))
            {
                problems.Add($"{where} is '{text}', without the spelled reference as written");
            }
        }

        var outside = received with { Headers = received.Headers.Where(h => h.Key != "x-real").ToDictionary() };
        if (JsonSerializer.Serialize(outside).Contains(Value, StringComparison.Ordinal))
        {
            problems.Add("the secret's value was sent outside X-Real");
        }

        return problems.Count == 0 ? null : string.Join("; ", problems);
    }
}
