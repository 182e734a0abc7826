using System.Text;
using Serverless.HttpApi.Tests.Infrastructure;

namespace Serverless.HttpApi.Tests;

/// <summary>Bounded bodies on the wire: a body over the limit is answered 413 before it ends, and never read to its end.</summary>
public sealed class RequestBodiesTests : IAsyncLifetime
{
    private readonly CancellationToken _ct = new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;
    private ApiServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await ApiServer.StartAsync(_ct);
        await _server.PutWorkflowAsync("seq", Workflows.Seq, _ct);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task ReadAsync_ChunkedBodyPastTheLimit_Answers413WhileTheBodyIsStillOpen()
    {
        var size = ApiServer.MaxPayloadBytes + 256;
        var chunk = Encoding.ASCII.GetBytes($"{size:x}\r\n" + new string('x', size) + "\r\n");

        // No last chunk: the body never ends, so only a handler that stops at the limit can answer.
        var status = await _server.SendUnfinishedAsync(
            "POST /api/workflows/seq/instances HTTP/1.1\nHost: 127.0.0.1\nTransfer-Encoding: chunked\n", chunk, _ct);

        Assert.StartsWith("HTTP/1.1 413 ", status, StringComparison.Ordinal);
        Assert.Equal(0, _server.Backend.Calls);
    }

    [Fact]
    public async Task ReadAsync_DeclaredLengthPastTheLimit_Answers413WithoutReadingAByte()
    {
        var status = await _server.SendUnfinishedAsync(
            "POST /api/workflows/seq/instances HTTP/1.1\nHost: 127.0.0.1\nContent-Length: 1000000\n", [], _ct);

        Assert.StartsWith("HTTP/1.1 413 ", status, StringComparison.Ordinal);
        Assert.Equal(0, _server.Backend.Calls);
    }

    [Fact]
    public async Task ReadAsync_ChunkedBodyAtTheLimit_IsReadWhole()
    {
        var input = "\"" + new string('x', ApiServer.MaxPayloadBytes - 2) + "\"";
        using var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(input)));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/workflows/seq/instances?instanceId=at-limit") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await _server.Client.SendAsync(request, _ct);

        Assert.Equal(202, (int)response.StatusCode);
        Assert.Equal(ApiServer.MaxPayloadBytes - 2, _server.Backend.State("at-limit").Input.GetString()!.Length);
    }

    [Fact]
    public async Task ReadJsonAsync_ChunkedBodyThatDoesNotDecode_Answers400WithAnErrorBody()
    {
        var status = await _server.SendUnfinishedAsync(
            "POST /api/workflows/seq/instances HTTP/1.1\nHost: 127.0.0.1\nTransfer-Encoding: chunked\n", "zz\r\n{}\r\n"u8.ToArray(), _ct);

        Assert.StartsWith("HTTP/1.1 400 ", status, StringComparison.Ordinal);
        Assert.Equal(0, _server.Backend.Calls);
    }
}
