using System.Globalization;

namespace Serverless.Standalone.Storage;

/// <summary>A storage service the host cannot reach: which, where, why (no secrets) and since when.</summary>
internal sealed record StorageProblem(string Service, string Endpoint, string Reason, DateTimeOffset Since)
{
    /// <summary>For error messages and <c>/healthz</c>.</summary>
    public override string ToString()
        => $"Azure Storage is unreachable: the {Service} service at {Endpoint} failed ({Reason}) since {Since.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}";
}
