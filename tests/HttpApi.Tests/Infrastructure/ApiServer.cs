using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serverless.Engine.Definitions;
using Serverless.Engine.Registry;

namespace Serverless.HttpApi.Tests.Infrastructure;

/// <summary>
/// The shared handlers on a real Kestrel at 127.0.0.1:0, over <see cref="InMemoryDefinitionStore"/> and an
/// <see cref="InMemoryInstanceBackend"/>, with small limits so size tests stay small.
/// </summary>
internal sealed class ApiServer : IAsyncDisposable
{
    /// <summary>The instance input limit of this server.</summary>
    public const int MaxPayloadBytes = 2048;

    /// <summary>The <c>Retry-After</c> of this server's 202 status answers.</summary>
    public const int StatusRetryAfterSeconds = 7;

    /// <summary>The definition document limit of this server.</summary>
    public const int MaxDocumentBytes = 4096;

    private readonly WebApplication _app;

    private ApiServer(WebApplication app, InMemoryInstanceBackend backend, Uri baseAddress)
    {
        _app = app;
        Backend = backend;
        BaseAddress = baseAddress;
        Client = new HttpClient { BaseAddress = baseAddress };
    }

    public HttpClient Client { get; }

    public Uri BaseAddress { get; }

    public InMemoryInstanceBackend Backend { get; }

    /// <summary>Starts the server; <paramref name="time"/>, when given, is the services' <see cref="TimeProvider"/>.</summary>
    public static async Task<ApiServer> StartAsync(CancellationToken cancellationToken, TimeProvider? time = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var backend = new InMemoryInstanceBackend();
        builder.Services.AddSingleton<IDefinitionStore, InMemoryDefinitionStore>();
        builder.Services.AddSingleton(sp => new DefinitionRegistry(
            sp.GetRequiredService<IDefinitionStore>(), TimeProvider.System, DefinitionLimits.Default with { MaxDocumentBytes = MaxDocumentBytes }));
        builder.Services.AddSingleton<IInstanceBackend>(backend);
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        builder.Services.AddSingleton(new WorkflowApiOptions { MaxPayloadBytes = MaxPayloadBytes, StatusRetryAfterSeconds = StatusRetryAfterSeconds });
        var app = builder.Build();
        app.MapWorkflowHttpApi();
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new ApiServer(app, backend, new Uri(address));
    }

    /// <summary>Sends <paramref name="body"/> as UTF-8 and reads the answer: status, body text and the response.</summary>
    public async Task<Answer> SendAsync(HttpMethod method, string uri, string? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, uri) { Content = body is null ? null : new StringContent(body, Encoding.UTF8) };
        using var response = await Client.SendAsync(request, cancellationToken);
        return new Answer(
            (int)response.StatusCode,
            await response.Content.ReadAsStringAsync(cancellationToken),
            response.Content.Headers.ContentType?.ToString(),
            response.Headers.Location?.OriginalString);
    }

    /// <summary>Sends <paramref name="body"/> byte for byte, with <paramref name="contentType"/>, and reads the answer.</summary>
    public async Task<Answer> SendBytesAsync(HttpMethod method, string uri, byte[] body, string contentType, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        using var request = new HttpRequestMessage(method, uri) { Content = content };
        using var response = await Client.SendAsync(request, cancellationToken);
        return new Answer(
            (int)response.StatusCode,
            await response.Content.ReadAsStringAsync(cancellationToken),
            response.Content.Headers.ContentType?.ToString(),
            response.Headers.Location?.OriginalString);
    }

    public Task<Answer> PutWorkflowAsync(string name, string json, CancellationToken cancellationToken)
        => SendAsync(HttpMethod.Put, $"/api/workflows/{name}", json, cancellationToken);

    /// <summary>
    /// Writes raw HTTP/1.1 on a socket: <paramref name="head"/> (request line and headers) and
    /// <paramref name="bodyPart"/>, then reads the answer's status line without ever finishing the body.
    /// </summary>
    public async Task<string> SendUnfinishedAsync(string head, byte[] bodyPart, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, BaseAddress.Port), cancellationToken);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ReplaceLineEndings("\r\n") + "\r\n"), cancellationToken);
        await stream.WriteAsync(bodyPart, cancellationToken);
        await stream.FlushAsync(cancellationToken);
        using var reader = new StreamReader(stream, Encoding.ASCII);
        return await reader.ReadLineAsync(cancellationToken) ?? string.Empty;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.DisposeAsync();
    }
}

/// <summary>An answer of the server.</summary>
internal sealed record Answer(int Status, string Body, string? ContentType, string? Location);
