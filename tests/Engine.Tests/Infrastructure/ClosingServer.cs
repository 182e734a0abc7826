using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Serverless.Engine.Tests.Infrastructure;

/// <summary>
/// A real HTTP server on 127.0.0.1 that answers one request per connection and closes the connection shortly after
/// its answer, without reading anything more: as Python's <c>http.server</c> does with HTTP/1.0, or a server with a
/// very short keep-alive timeout. The delay before closing makes a client that reuses the connection send its next
/// request into a connection the server is about to close.
/// </summary>
public sealed class ClosingServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly string _statusLine;
    private readonly string _extraHeaders;
    private int _answered;

    /// <param name="http10">Answer <c>HTTP/1.0</c> (no keep-alive header); otherwise <c>HTTP/1.1</c> that claims keep-alive.</param>
    public ClosingServer(bool http10)
    {
        _statusLine = http10 ? "HTTP/1.0 200 OK" : "HTTP/1.1 200 OK";
        _extraHeaders = http10 ? "Server: BaseHTTP/0.6 Python/3.11\r\n" : "Connection: keep-alive\r\nKeep-Alive: timeout=60\r\n";
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Requests the server read and answered (counted before the answer is sent).</summary>
    public int Answered => Volatile.Read(ref _answered);

    public string Url(string path) => $"http://127.0.0.1:{Port}/{path}";

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                _ = ServeAsync(socket);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using (socket)
        {
            try
            {
                var received = new StringBuilder();
                var buffer = new byte[4096];
                while (!received.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var read = await socket.ReceiveAsync(buffer, _stop.Token);
                    if (read == 0)
                    {
                        return;
                    }

                    received.Append(Encoding.ASCII.GetString(buffer, 0, read));
                }

                var path = received.ToString().Split(' ')[1];
                var body = $$"""{"path":"{{path}}"}""";
                var response = $"{_statusLine}\r\n{_extraHeaders}Content-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n{body}";
                Interlocked.Increment(ref _answered);
                await socket.SendAsync(Encoding.ASCII.GetBytes(response), _stop.Token);

                // Closing a little later lets the client take the connection back into its pool first.
                await Task.Delay(50, _stop.Token);
                socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException)
            {
                // The client went away, or the server stops.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
