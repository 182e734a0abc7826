using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Serverless.HttpApi;

/// <summary>
/// The list query's continuation token on both hosts: base64url of <c>["1", filter hash, storage position]</c>, so it
/// is URL-safe whatever the storage's own position looks like, and a token that is garbage or belongs to another query
/// is recognised as such (400) instead of answering an empty, final page.
/// </summary>
internal static class ListToken
{
    /// <summary>The token for <paramref name="position"/> (the storage's own continuation) of the query <paramref name="filter"/> identifies.</summary>
    public static string Write(string position, string? filter) =>
        Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new[] { "1", Hash(filter), position }));

    /// <summary>Reads a token <see cref="Write"/> made for the same <paramref name="filter"/>; false for anything else.</summary>
    public static bool TryRead(string token, string? filter, out string position)
    {
        ArgumentNullException.ThrowIfNull(token);
        position = "";
        try
        {
            var parts = JsonSerializer.Deserialize<string[]>(Base64Url.DecodeFromChars(token));
            if (parts is ["1", var hash, { Length: > 0 } stored] && hash == Hash(filter))
            {
                position = stored;
                return true;
            }
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            // Not a token this host wrote.
        }

        return false;
    }

    private static string Hash(string? filter) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(filter ?? "")), 0, 8);
}
