using System.Net;
using System.Net.Sockets;

namespace Serverless.Engine.Execution;

/// <summary>Resolves a host name to addresses. A seam so tests can make a name resolve to any address.</summary>
internal interface IHostResolver
{
    /// <summary>The addresses of <paramref name="host"/>; throws <see cref="SocketException"/> when it has none.</summary>
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken);
}
