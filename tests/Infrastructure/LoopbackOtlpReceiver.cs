using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Serverless.Testing;

/// <summary>A span as <see cref="LoopbackOtlpReceiver"/> decoded it: ids as lower-case hex, attributes as their values.</summary>
internal sealed record OtlpSpan(
    string TraceId,
    string SpanId,
    string ParentSpanId,
    string Name,
    int Kind,
    ulong StartUnixNano,
    ulong EndUnixNano,
    IReadOnlyDictionary<string, object?> Attributes,
    IReadOnlyList<(string TraceId, string SpanId)> Links)
{
    /// <summary>OTLP <c>SPAN_KIND_INTERNAL</c>.</summary>
    public const int Internal = 1;

    /// <summary>OTLP <c>SPAN_KIND_SERVER</c>.</summary>
    public const int Server = 2;

    /// <summary>OTLP <c>SPAN_KIND_CLIENT</c>.</summary>
    public const int Client = 3;

    /// <summary>OTLP <c>SPAN_KIND_PRODUCER</c>.</summary>
    public const int Producer = 4;

    /// <summary>OTLP <c>SPAN_KIND_CONSUMER</c>.</summary>
    public const int Consumer = 5;

    /// <summary>The attribute's value as a string, or null.</summary>
    public string? Attribute(string key) => Attributes.TryGetValue(key, out var value) ? value?.ToString() : null;
}

/// <summary>
/// A real Kestrel server on 127.0.0.1 (port 0) that takes OTLP/HTTP protobuf exports (<c>POST /v1/traces</c>, and
/// <c>/v1/metrics</c> and <c>/v1/logs</c>, which it only acknowledges) and decodes the spans with a minimal protobuf
/// wire-format reader: a host run as a child process exports its spans here.
/// </summary>
internal sealed class LoopbackOtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<OtlpSpan> _spans = new();

    private LoopbackOtlpReceiver(WebApplication app)
    {
        _app = app;
    }

    /// <summary>The endpoint to configure as <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (<c>http://127.0.0.1:port</c>).</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>Every span received so far.</summary>
    public IReadOnlyList<OtlpSpan> Spans => [.. _spans];

    /// <summary>Starts the receiver.</summary>
    public static async Task<LoopbackOtlpReceiver> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new LoopbackOtlpReceiver(app);
        app.MapPost("/v1/traces", async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            foreach (var span in Decode(body.ToArray()))
            {
                receiver._spans.Enqueue(span);
            }

            context.Response.StatusCode = 200;
        });
        app.MapPost("/v1/metrics", context =>
        {
            context.Response.StatusCode = 200;
            return Task.CompletedTask;
        });
        app.MapPost("/v1/logs", context =>
        {
            context.Response.StatusCode = 200;
            return Task.CompletedTask;
        });
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Endpoint = new Uri(address.TrimEnd('/'));
        return receiver;
    }

    /// <summary>Polls (every 20 ms, bounded by the token) until <paramref name="done"/> holds for the spans received.</summary>
    public async Task<IReadOnlyList<OtlpSpan>> WaitForAsync(Func<IReadOnlyList<OtlpSpan>, bool> done, CancellationToken cancellationToken)
    {
        while (true)
        {
            var spans = Spans;
            if (done(spans))
            {
                return spans;
            }

            await Task.Delay(20, cancellationToken);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>The spans of an <c>ExportTraceServiceRequest</c>: resource_spans = 1, scope_spans = 2, spans = 2.</summary>
    internal static List<OtlpSpan> Decode(ReadOnlySpan<byte> request)
    {
        var spans = new List<OtlpSpan>();
        var reader = new WireReader(request);
        while (reader.Next(out var field, out var type))
        {
            if (field == 1 && type == WireReader.TypeLength)
            {
                var resource = new WireReader(reader.Bytes());
                while (resource.Next(out var f, out var t))
                {
                    if (f == 2 && t == WireReader.TypeLength)
                    {
                        var scope = new WireReader(resource.Bytes());
                        while (scope.Next(out var sf, out var st))
                        {
                            if (sf == 2 && st == WireReader.TypeLength)
                            {
                                spans.Add(DecodeSpan(scope.Bytes()));
                            }
                            else
                            {
                                scope.Skip(st);
                            }
                        }
                    }
                    else
                    {
                        resource.Skip(t);
                    }
                }
            }
            else
            {
                reader.Skip(type);
            }
        }

        return spans;
    }

    private static OtlpSpan DecodeSpan(ReadOnlySpan<byte> bytes)
    {
        string traceId = "", spanId = "", parent = "", name = "";
        int kind = 0;
        ulong start = 0, end = 0;
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        var links = new List<(string, string)>();
        var reader = new WireReader(bytes);
        while (reader.Next(out var field, out var type))
        {
            switch (field, type)
            {
                case (1, WireReader.TypeLength):
                    traceId = Convert.ToHexStringLower(reader.Bytes());
                    break;
                case (2, WireReader.TypeLength):
                    spanId = Convert.ToHexStringLower(reader.Bytes());
                    break;
                case (4, WireReader.TypeLength):
                    parent = Convert.ToHexStringLower(reader.Bytes());
                    break;
                case (5, WireReader.TypeLength):
                    name = Encoding.UTF8.GetString(reader.Bytes());
                    break;
                case (6, WireReader.TypeVarint):
                    kind = (int)reader.Varint();
                    break;
                case (7, WireReader.TypeFixed64):
                    start = reader.Fixed64();
                    break;
                case (8, WireReader.TypeFixed64):
                    end = reader.Fixed64();
                    break;
                case (9, WireReader.TypeLength):
                    var (key, value) = DecodeKeyValue(reader.Bytes());
                    attributes[key] = value;
                    break;
                case (13, WireReader.TypeLength):
                    links.Add(DecodeLink(reader.Bytes()));
                    break;
                default:
                    reader.Skip(type);
                    break;
            }
        }

        return new OtlpSpan(traceId, spanId, parent, name, kind, start, end, attributes, links);
    }

    /// <summary>A <c>KeyValue</c> (key = 1, value = 2: <c>AnyValue</c> with string 1, bool 2, int 3, double 4).</summary>
    private static (string Key, object? Value) DecodeKeyValue(ReadOnlySpan<byte> bytes)
    {
        var key = "";
        object? value = null;
        var reader = new WireReader(bytes);
        while (reader.Next(out var field, out var type))
        {
            if (field == 1 && type == WireReader.TypeLength)
            {
                key = Encoding.UTF8.GetString(reader.Bytes());
            }
            else if (field == 2 && type == WireReader.TypeLength)
            {
                var any = new WireReader(reader.Bytes());
                while (any.Next(out var f, out var t))
                {
                    switch (f, t)
                    {
                        case (1, WireReader.TypeLength):
                            value = Encoding.UTF8.GetString(any.Bytes());
                            break;
                        case (2, WireReader.TypeVarint):
                            value = any.Varint() != 0;
                            break;
                        case (3, WireReader.TypeVarint):
                            value = (long)any.Varint();
                            break;
                        case (4, WireReader.TypeFixed64):
                            value = BitConverter.UInt64BitsToDouble(any.Fixed64());
                            break;
                        default:
                            any.Skip(t);
                            break;
                    }
                }
            }
            else
            {
                reader.Skip(type);
            }
        }

        return (key, value);
    }

    /// <summary>A <c>Span.Link</c> (trace_id = 1, span_id = 2).</summary>
    private static (string TraceId, string SpanId) DecodeLink(ReadOnlySpan<byte> bytes)
    {
        string traceId = "", spanId = "";
        var reader = new WireReader(bytes);
        while (reader.Next(out var field, out var type))
        {
            switch (field, type)
            {
                case (1, WireReader.TypeLength):
                    traceId = Convert.ToHexStringLower(reader.Bytes());
                    break;
                case (2, WireReader.TypeLength):
                    spanId = Convert.ToHexStringLower(reader.Bytes());
                    break;
                default:
                    reader.Skip(type);
                    break;
            }
        }

        return (traceId, spanId);
    }

    /// <summary>The protobuf wire format: tags, varints, fixed64, length-delimited fields; unknown fields skipped by wire type.</summary>
    private ref struct WireReader(ReadOnlySpan<byte> bytes)
    {
        public const int TypeVarint = 0;
        public const int TypeFixed64 = 1;
        public const int TypeLength = 2;
        public const int TypeFixed32 = 5;

        private readonly ReadOnlySpan<byte> _bytes = bytes;
        private int _position;

        public bool Next(out int field, out int type)
        {
            if (_position >= _bytes.Length)
            {
                field = 0;
                type = 0;
                return false;
            }

            var tag = ReadVarint();
            field = (int)(tag >> 3);
            type = (int)(tag & 7);
            return true;
        }

        public ulong Varint() => ReadVarint();

        public ulong Fixed64()
        {
            var value = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(_bytes.Slice(_position, 8));
            _position += 8;
            return value;
        }

        public ReadOnlySpan<byte> Bytes()
        {
            var length = checked((int)ReadVarint());
            var value = _bytes.Slice(_position, length);
            _position += length;
            return value;
        }

        public void Skip(int type)
        {
            switch (type)
            {
                case TypeVarint:
                    ReadVarint();
                    break;
                case TypeFixed64:
                    _position += 8;
                    break;
                case TypeLength:
                    Bytes();
                    break;
                case TypeFixed32:
                    _position += 4;
                    break;
                default:
                    throw new InvalidDataException($"Unsupported protobuf wire type {type} at byte {_position}.");
            }
        }

        private ulong ReadVarint()
        {
            ulong value = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                var b = _bytes[_position++];
                value |= (ulong)(b & 0x7f) << shift;
                if ((b & 0x80) == 0)
                {
                    return value;
                }
            }

            throw new InvalidDataException("A varint longer than 10 bytes.");
        }
    }
}
