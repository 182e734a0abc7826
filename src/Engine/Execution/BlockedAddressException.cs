using System.Net;

namespace Serverless.Engine.Execution;

/// <summary>The network guard refused an address; carried out of the connect callback to name the address.</summary>
internal sealed class BlockedAddressException : Exception
{
    public BlockedAddressException(string host, IPAddress address, string range)
        : base($"refused to connect to {address} ({range}) for host '{host}': the network guard blocks that range")
    {
        Host = host;
        Address = address;
        Range = range;
    }

    public BlockedAddressException() : this("", IPAddress.None, "") { }

    public BlockedAddressException(string message) : base(message)
    {
        Host = "";
        Address = IPAddress.None;
        Range = "";
    }

    public BlockedAddressException(string message, Exception inner) : base(message, inner)
    {
        Host = "";
        Address = IPAddress.None;
        Range = "";
    }

    public string Host { get; }

    public IPAddress Address { get; }

    public string Range { get; }
}
