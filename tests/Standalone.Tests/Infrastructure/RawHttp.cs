using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Serverless.Standalone.Tests.Infrastructure;

/// <summary>An answer read off the wire: status, headers (names in lower case) and the body's bytes.</summary>
public sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, byte[] Body);

/// <summary>
/// One HTTP/1.1 exchange written byte for byte on a socket, so a test sends exactly what a broken client would
/// (invalid UTF-8, <c>%00</c> in a path, oversized headers) where <see cref="HttpClient"/> would refuse or rewrite it.
/// The request line and headers are written as Latin-1 (a char is a byte), with a <c>Content-Length</c> for the body
/// unless the headers choose <c>Transfer-Encoding</c>; the connection closes after the answer.
/// </summary>
public static class RawHttp
{
    public static async Task<RawResponse> SendAsync(
        Uri server, string method, string target, IEnumerable<KeyValuePair<string, string>> headers, byte[]? body, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, server.Port), cancellationToken);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var head = new StringBuilder().Append(method).Append(' ').Append(target).Append(" HTTP/1.1\r\n");
        head.Append("Host: ").Append(server.Authority).Append("\r\n");
        foreach (var (name, value) in headers)
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        if (body is not null && !headers.Any(h => h.Key.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)))
        {
            head.Append("Content-Length: ").Append(body.Length).Append("\r\n");
        }

        head.Append("Connection: close\r\n\r\n");

        // Read while writing: a server may answer (413, 431) and close before the request is written to its end.
        var reading = ReadToEndAsync(stream, cancellationToken);
        try
        {
            await stream.WriteAsync(Encoding.Latin1.GetBytes(head.ToString()), cancellationToken);
            if (body is not null)
            {
                await stream.WriteAsync(body, cancellationToken);
            }
        }
        catch (IOException)
        {
            // The server closed early; its answer is what the test reads.
        }

        return Parse(await reading);
    }

    private static async Task<byte[]> ReadToEndAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (IOException) when (received.Length > 0)
        {
            // A reset after the answer: what arrived is the answer.
        }

        return received.ToArray();
    }

    private static RawResponse Parse(byte[] bytes)
    {
        var end = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            throw new InvalidOperationException($"No HTTP answer: '{Encoding.Latin1.GetString(bytes)}'.");
        }

        var lines = Encoding.Latin1.GetString(bytes, 0, end).Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon].Trim().ToLowerInvariant()] = line[(colon + 1)..].Trim();
        }

        var body = bytes.AsSpan(end + 4);
        return new RawResponse(
            status,
            headers,
            headers.TryGetValue("transfer-encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase)
                ? Unchunk(body)
                : body.ToArray());
    }

    private static byte[] Unchunk(ReadOnlySpan<byte> body)
    {
        var result = new MemoryStream();
        while (true)
        {
            var lineEnd = body.IndexOf("\r\n"u8);
            var size = Convert.ToInt32(Encoding.ASCII.GetString(body[..lineEnd]).Split(';')[0], 16);
            if (size == 0)
            {
                return result.ToArray();
            }

            result.Write(body.Slice(lineEnd + 2, size));
            body = body[(lineEnd + 2 + size + 2)..];
        }
    }
}
