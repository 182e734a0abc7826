using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Serverless.HttpApi.Tests.Infrastructure;

namespace Serverless.HttpApi.Tests;

/// <summary>
/// The status long-poll (<c>waitForChange</c>, <c>timeout</c>) of the shared status handler, over the in-memory
/// backend on virtual time: woken by the backend's change signal, or by its own reads at an interval when the backend
/// has none (only when the virtual clock moves).
/// </summary>
public sealed class StatusWaitTests : IAsyncLifetime
{
    private readonly CancellationToken _ct = new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;
    private readonly FakeTimeProvider _time = new();
    private ApiServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await ApiServer.StartAsync(_ct, _time);
        await _server.PutWorkflowAsync("waiter", Workflows.Waiter, _ct);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Status_WaitForChange_AnswersWhenTheBackendSignalsAChange()
    {
        var seen = await StartAsync("w-1");

        // The virtual clock stands still: only the backend's signal can end this wait.
        var waiting = _server.Client.GetAsync($"/api/instances/w-1?waitForChange={seen}&timeout=20", _ct);
        await WaitUntilAsync(() => _server.Backend.Waiting > 0);
        Assert.False(waiting.IsCompleted);
        await _server.SendAsync(HttpMethod.Post, "/api/instances/w-1/raiseEvent/go", "5", _ct);
        using var answer = await waiting;
        var status = JsonNode.Parse(await answer.Content.ReadAsStringAsync(_ct))!;

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("Completed", status["runtimeStatus"]!.GetValue<string>());
        Assert.NotEqual(seen, status["lastUpdatedTime"]!.GetValue<string>());
    }

    [Fact]
    public async Task Status_WaitForChange_WithoutSignals_SeesTheChangeAtItsNextRead()
    {
        _server.Backend.SignalsChanges = false;
        var seen = await StartAsync("w-2");

        var waiting = _server.Client.GetAsync($"/api/instances/w-2?waitForChange={seen}&timeout=20", _ct);
        await WaitUntilAsync(() => _server.Backend.Waiting > 0);
        await _server.SendAsync(HttpMethod.Post, "/api/instances/w-2/raiseEvent/go", "5", _ct);
        await Task.Delay(100, _ct);
        Assert.False(waiting.IsCompleted);
        var started = _time.GetUtcNow();
        await AdvanceUntilAsync(waiting, TimeSpan.FromMilliseconds(250));
        using var answer = await waiting;
        var status = JsonNode.Parse(await answer.Content.ReadAsStringAsync(_ct))!;

        Assert.Equal("Completed", status["runtimeStatus"]!.GetValue<string>());
        Assert.InRange(_time.GetUtcNow() - started, StatusWait.ReadInterval, StatusWait.ReadInterval * 3);
    }

    [Fact]
    public async Task Status_WaitForChange_NothingChanges_AnswersTheUnchangedStatusAtTheTimeout()
    {
        var seen = await StartAsync("w-3");

        var waiting = _server.Client.GetAsync($"/api/instances/w-3?waitForChange={Uri.EscapeDataString(seen)}", _ct);
        await WaitUntilAsync(() => _server.Backend.Waiting > 0);
        var started = _time.GetUtcNow();
        await AdvanceUntilAsync(waiting, TimeSpan.FromSeconds(1));
        using var answer = await waiting;
        var status = JsonNode.Parse(await answer.Content.ReadAsStringAsync(_ct))!;

        Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
        Assert.Equal(seen, status["lastUpdatedTime"]!.GetValue<string>());
        Assert.Equal("Running", status["runtimeStatus"]!.GetValue<string>());
        Assert.NotNull(answer.Headers.Location);
        Assert.InRange(_time.GetUtcNow() - started, TimeSpan.FromSeconds(StatusWait.DefaultTimeoutSeconds), TimeSpan.FromSeconds(StatusWait.DefaultTimeoutSeconds + 2));
        await WaitUntilAsync(() => _server.Backend.Waiting == 0);
    }

    [Fact]
    public async Task Status_WaitForChange_AlreadyDifferent_AnswersAtOnce()
    {
        await StartAsync("w-3");

        var clock = Stopwatch.StartNew();
        using var answer = await _server.Client.GetAsync("/api/instances/w-3?waitForChange=2000-01-01T00:00:00Z&timeout=60", _ct);

        Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"answered after {clock.Elapsed}");
    }

    [Fact]
    public async Task Status_WaitForChange_UnknownInstance_Answers404AtOnce()
    {
        var clock = Stopwatch.StartNew();
        var answer = await _server.SendAsync(HttpMethod.Get, "/api/instances/nobody?waitForChange=2026-01-02T03:04:05.0000000Z&timeout=60", null, _ct);

        Assert.Equal(404, answer.Status);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"answered after {clock.Elapsed}");
    }

    [Fact]
    public async Task Status_WaitForChange_ClientLeaves_TheWaitEnds()
    {
        var seen = await StartAsync("w-4");
        using var leave = CancellationTokenSource.CreateLinkedTokenSource(_ct);

        var waiting = _server.Client.GetAsync($"/api/instances/w-4?waitForChange={seen}&timeout=60", leave.Token);
        await WaitUntilAsync(() => _server.Backend.Waiting > 0);
        await leave.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        await WaitUntilAsync(() => _server.Backend.Waiting == 0);
    }

    [Theory]
    [InlineData("waitForChange=yesterday", "waitForChange")]
    [InlineData("waitForChange=2026-01-02T03:04:05Z&timeout=0", "timeout")]
    [InlineData("waitForChange=2026-01-02T03:04:05Z&timeout=61", "timeout")]
    [InlineData("waitForChange=2026-01-02T03:04:05Z&timeout=1.5", "timeout")]
    [InlineData("waitForChange=2026-01-02T03:04:05Z&timeout=-1", "timeout")]
    [InlineData("timeout=abc", "timeout")]
    public async Task Status_BadWaitParameter_Answers400NamingItWithoutReachingTheBackend(string query, string parameter)
    {
        await StartAsync("w-5");
        var calls = _server.Backend.Calls;

        var answer = await _server.SendAsync(HttpMethod.Get, $"/api/instances/w-5?{query}", null, _ct);
        var error = JsonNode.Parse(answer.Body)!["error"]!;

        Assert.Equal(400, answer.Status);
        Assert.Equal("ValidationError", error["type"]!.GetValue<string>());
        Assert.Equal(parameter, error["details"]![0]!["path"]!.GetValue<string>());
        Assert.Equal(calls, _server.Backend.Calls);
    }

    /// <summary>Starts an instance of "waiter" and returns the lastUpdatedTime of its status.</summary>
    private async Task<string> StartAsync(string id)
    {
        Assert.Equal(202, (await _server.SendAsync(HttpMethod.Post, $"/api/workflows/waiter/instances?instanceId={id}", "1", _ct)).Status);
        var status = await _server.SendAsync(HttpMethod.Get, $"/api/instances/{id}", null, _ct);
        return JsonNode.Parse(status.Body)!["lastUpdatedTime"]!.GetValue<string>();
    }

    /// <summary>Moves the virtual clock by <paramref name="step"/> at a time until <paramref name="answer"/> arrives.</summary>
    private async Task AdvanceUntilAsync(Task answer, TimeSpan step)
    {
        while (!answer.IsCompleted)
        {
            _time.Advance(step);
            await Task.WhenAny(answer, Task.Delay(20, _ct));
        }
    }

    private async Task WaitUntilAsync(Func<bool> condition)
    {
        while (!condition())
        {
            await Task.Delay(10, _ct);
        }
    }
}
