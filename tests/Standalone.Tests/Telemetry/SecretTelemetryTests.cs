using System.Diagnostics;
using System.Globalization;
using Serverless.Engine.Telemetry;
using Serverless.Standalone.Tests.Infrastructure;
using Serverless.Testing;
using Xunit.Abstractions;

namespace Serverless.Standalone.Tests.Telemetry;

/// <summary>Secrets an http node sends never reach a span or a log line, whether the attempt succeeds or fails.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class SecretTelemetryTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    [Fact]
    public async Task HttpNode_SecretInQueryHeaderAndFailingUrl_NoSpanOrLogLineHasTheValue()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var ct = cts.Token;
        var id = $"secret-spans-{Guid.NewGuid():N}";
        var closed = AzuriteFixture.FreePorts(1)[0];
        using var spans = new SpanRecorder();
        var logs = new CapturedLogs();
        await using var echo = await LoopbackEchoServer.StartAsync(ct);
        var (app, address) = await InProcessStandaloneHost.StartAsync(
            azurite.ConnectionString,
            "secretspans",
            ct,
            new Dictionary<string, string?>
            {
                [$"Secrets:{SecretForgery.Name}"] = SecretForgery.Value,
                ["Executors:Http:Network:AllowLoopback"] = "true",
            },
            logging: logs.AddTo);
        await using var _ = app;
        using var client = new HttpClient { BaseAddress = address };
        var api = new WorkflowApi(client);
        await api.PutWorkflowAsync("""
            {"name":"secret-spans","nodes":{
              "ok":{"type":"http","request":{"method":"GET","url":"ECHO/items",
                "query":{"key":"${{ secrets.API_KEY }}"},"headers":{"X-Key":"${{ secrets.API_KEY }}"}}},
              "bad":{"type":"http","runAfter":["ok"],"request":{"method":"GET",
                "url":"http://127.0.0.1:CLOSED/fail?token=${{ secrets.API_KEY }}",
                "query":{"key":"${{ secrets.API_KEY }}"},"headers":{"X-Key":"${{ secrets.API_KEY }}"}},
                "retry":{"maxAttempts":2,"interval":"PT0.1S","jitter":"none"}}}}
            """.Replace("ECHO/", echo.BaseUri.ToString(), StringComparison.Ordinal).Replace("CLOSED", closed.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal), ct);

        await api.StartAsync("secret-spans", id, "{}", ct);
        var final = await api.WaitForFinalAsync(id, ct);
        var all = await spans.WaitForAsync(s => s.Any(a => a.OperationName == "run secret-spans" && a.GetTagItem(TraceAttributes.InstanceId) as string == id), ct);

        // The secret was really sent (query and header), and the second node really failed twice.
        Assert.Equal("Failed", final["runtimeStatus"]!.GetValue<string>());
        var received = Assert.Single(echo.Requests);
        Assert.Equal(SecretForgery.Value, received.Headers.GetValueOrDefault("x-key"));
        Assert.Contains(SecretForgery.Value, received.Query, StringComparison.Ordinal);
        var traceId = Assert.Single(all, s => s.OperationName == "run secret-spans" && s.GetTagItem(TraceAttributes.InstanceId) as string == id).TraceId;
        var mine = all.Where(s => s.TraceId == traceId).ToList();
        var failed = mine.Where(s => s.OperationName == "GET bad").ToList();
        Assert.Equal(2, failed.Count);
        Assert.All(failed, s => Assert.Equal(ActivityStatusCode.Error, s.Status));

        // The failure's message and the span's URL name the request (as written, query cut): where a leak would show.
        Assert.All(failed, s => Assert.Contains($"127.0.0.1:{closed}/fail", s.StatusDescription, StringComparison.Ordinal));
        Assert.All(failed, s => Assert.Equal($"http://127.0.0.1:{closed}/fail", s.GetTagItem("url.full")));
        Assert.Contains(mine, s => s.OperationName == "GET ok" && s.GetTagItem(TraceAttributes.Result) as string == "succeeded");
        Assert.Contains(logs.Lines, l => l.Contains(id, StringComparison.Ordinal));

        var leaks = mine.SelectMany(Texts).Where(t => t.Text.Contains(SecretForgery.Value, StringComparison.Ordinal))
            .Select(t => $"span {t.Where}: {t.Text}")
            .Concat(logs.Lines.Where(l => l.Contains(SecretForgery.Value, StringComparison.Ordinal)).Select(l => $"log: {l}"))
            .ToList();
        foreach (var leak in leaks)
        {
            output.WriteLine(leak);
        }

        Assert.Empty(leaks);
    }

    /// <summary>Every text a span exports: its name, tag values, status description, events (names and tags) and links' tags.</summary>
    private static IEnumerable<(string Where, string Text)> Texts(Activity span)
    {
        yield return (span.OperationName, span.OperationName);
        yield return ($"{span.OperationName} display name", span.DisplayName);
        yield return ($"{span.OperationName} status", span.StatusDescription ?? "");
        foreach (var (key, value) in span.TagObjects)
        {
            yield return ($"{span.OperationName} tag {key}", $"{key}={value}");
        }

        foreach (var e in span.Events)
        {
            yield return ($"{span.OperationName} event", e.Name + " " + string.Join(",", e.Tags.Select(t => $"{t.Key}={t.Value}")));
        }

        foreach (var link in span.Links)
        {
            yield return ($"{span.OperationName} link", string.Join(",", (link.Tags ?? []).Select(t => $"{t.Key}={t.Value}")));
        }

        foreach (var baggage in span.Baggage)
        {
            yield return ($"{span.OperationName} baggage", $"{baggage.Key}={baggage.Value}");
        }
    }
}
